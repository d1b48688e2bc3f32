import type { Generated } from 'kysely';

/** Table types as the database holds them (both dialects). Booleans are stored as 0/1 integers. */
export interface Database {
  categories: {
    id: Generated<number>;
    slug: string;
    name: string;
    description: string;
    position: number;
  };
  collections: {
    id: Generated<number>;
    slug: string;
    name: string;
    description: string;
    featured: number;
    position: number;
  };
  products: {
    id: Generated<number>;
    slug: string;
    name: string;
    category_id: number;
    description: string;
    hallmark: string;
    care: string;
    stone: string | null;
    featured: number;
    archived: number;
    created_at: string;
    updated_at: string;
  };
  product_collections: {
    product_id: number;
    collection_id: number;
  };
  variants: {
    id: Generated<number>;
    product_id: number;
    sku: string;
    metal: string;
    ring_size: string | null;
    chain_length_in: number | null;
    price_pence: number;
    stock: number;
    position: number;
  };
  product_images: {
    id: Generated<number>;
    product_id: number;
    position: number;
    alt: string;
    content_type: string;
    body: string;
    file_key: string | null;
    widths: string | null;
  };
  product_search: {
    product_id: number;
    name: string;
    document: string;
  };
  contact_messages: {
    id: Generated<number>;
    name: string;
    email: string;
    subject: string;
    message: string;
    created_at: string;
  };
  policy_versions: {
    version: string;
    published_at: string;
    summary: string;
    /** The policy as people read it (plain text), so that any two versions can be compared. */
    text: Generated<string>;
    /** The owner's summary of a material change; null when the change is not marked material. */
    material_summary: string | null;
    material_at: string | null;
    /** When the storefront notice of a material change stops showing (30 days after it is marked). */
    notice_ends_at: string | null;
    /** When account holders' service notices of the change were queued in the outbox. */
    notified_at: string | null;
  };
  staff: {
    id: Generated<number>;
    email: string;
    name: string;
    role: string;
    password_hash: string | null;
    totp_secret: string | null;
    totp_enabled_at: string | null;
    totp_last_step: Generated<number>;
    failed_attempts: Generated<number>;
    locked_until: string | null;
    disabled_at: string | null;
    created_at: string;
    updated_at: string;
    /** Until when the next password sign-in may enrol a new two-factor key, after an owner's reset. */
    two_factor_reset_until: string | null;
    lockout_mailed_at: string | null;
  };
  staff_networks: {
    staff_id: number;
    network: string;
    failures: Generated<number>;
    locked_until: string | null;
    last_failure_at: string | null;
    last_sign_in_at: string | null;
    updated_at: string;
  };
  staff_tokens: {
    id: Generated<number>;
    staff_id: number;
    token_hash: string;
    purpose: string;
    expires_at: string;
    used_at: string | null;
  };
  staff_recovery_codes: {
    id: Generated<number>;
    staff_id: number;
    code_hash: string;
    used_at: string | null;
  };
  staff_sessions: {
    token_hash: string;
    staff_id: number;
    stage: string;
    created_at: string;
    last_seen_at: string;
    /** A new two-factor key, sealed, waiting for its first code; the key in force stays until then. */
    pending_totp_secret: string | null;
  };
  audit_log: {
    id: Generated<number>;
    at: string;
    actor_staff_id: number | null;
    actor_role: string;
    action: string;
    subject_type: string;
    subject_id: string;
    fields: string;
    reason: string | null;
    network: string | null;
    prev_hash: string;
    hash: string;
  };
  stock_movements: {
    id: Generated<number>;
    variant_id: number;
    delta: number;
    stock_after: number;
    reason: string;
    staff_id: number | null;
    created_at: string;
  };
  price_changes: {
    id: Generated<number>;
    variant_id: number;
    old_pence: number;
    new_pence: number;
    staff_id: number | null;
    created_at: string;
  };
  bags: {
    id: Generated<number>;
    token_hash: string;
    created_at: string;
    updated_at: string;
  };
  bag_items: {
    bag_id: number;
    variant_id: number;
    quantity: number;
    added_at: string;
  };
  orders: {
    id: Generated<number>;
    number: string;
    status: string;
    bag_id: number | null;
    first_name: string;
    surname: string;
    email: string;
    phone: string;
    billing_line1: string;
    billing_line2: string | null;
    billing_city: string;
    billing_postcode: string;
    delivery_first_name: string;
    delivery_surname: string;
    delivery_line1: string;
    delivery_line2: string | null;
    delivery_city: string;
    delivery_postcode: string;
    gift_message: string | null;
    delivery_method: string;
    delivery_pence: number;
    subtotal_pence: number;
    total_pence: number;
    stock_reserved: Generated<number>;
    stock_short: Generated<number>;
    tracking_number: string | null;
    refunded_pence: Generated<number>;
    created_at: string;
    updated_at: string;
    paid_at: string | null;
    dispatched_at: string | null;
    delivered_at: string | null;
    cancelled_at: string | null;
    customer_id: number | null;
    /** While unpaid: keyed hashes of the buyer's network and e-mail address, to limit what one buyer holds. */
    unpaid_network_hash: Generated<string | null>;
    unpaid_email_hash: Generated<string | null>;
    /** The country the order was delivered to, part of its tax record (the shop delivers in the UK only). */
    delivery_country: Generated<string>;
    /** When the buyer's details were removed (the period after the order finished, or erasure), leaving the tax record. */
    anonymised_at: Generated<string | null>;
  };
  order_lines: {
    id: Generated<number>;
    order_id: number;
    variant_id: number | null;
    sku: string;
    product_name: string;
    variant_label: string;
    unit_pence: number;
    quantity: number;
  };
  order_events: {
    id: Generated<number>;
    order_id: number;
    at: string;
    kind: string;
    detail: string;
    staff_id: number | null;
  };
  payment_attempts: {
    id: Generated<number>;
    order_id: number;
    vendor_tx_code: string;
    amount_pence: number;
    status: string;
    created_at: string;
    result_at: string | null;
    vps_tx_id: string | null;
    status_detail: string | null;
    tx_auth_no: string | null;
  };
  mail_outbox: {
    id: Generated<number>;
    kind: string;
    reference: string;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string;
    message_id: string;
    /** Where an answer goes, when not to the shop: the sender of a forwarded enquiry. */
    reply_to: string | null;
    created_at: string;
    attempts: Generated<number>;
    next_attempt_at: string;
    claimed_until: string | null;
    sent_at: string | null;
    failed_at: string | null;
    last_error: string | null;
    /** The consent purpose a marketing e-mail needs (a PurposeKey); null for a transactional e-mail. */
    purpose: string | null;
    /** A body shared by many e-mails (a campaign's), used when the row's own are empty. */
    body_id: number | null;
    /** A marketing e-mail's one-click unsubscribe link, for its List-Unsubscribe header and its footer. */
    /** When the outbox refused to send it because consent was no longer there. */
    withheld_at: string | null;
  };
  /** A subject and body shared by the e-mails of one campaign. */
  mail_bodies: {
    id: Generated<number>;
    subject: string;
    text_body: string;
    html_body: string;
    created_at: string;
  };
  customers: {
    id: Generated<number>;
    email: string;
    first_name: string;
    surname: string;
    phone: string;
    password_hash: string;
    email_verified_at: string | null;
    created_at: string;
    updated_at: string;
  };
  customer_addresses: {
    id: Generated<number>;
    customer_id: number;
    first_name: string;
    surname: string;
    line1: string;
    line2: string | null;
    city: string;
    postcode: string;
    is_default: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  customer_sessions: {
    id: Generated<number>;
    token_hash: string;
    customer_id: number;
    device: string;
    remember: number;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
  };
  /** Wrong sign-in passwords per e-mail address (a keyed hash of it), whether or not it has an account. */
  customer_sign_in_failures: {
    address_hash: string;
    failures: number;
    last_failed_at: string;
    locked_until: string | null;
  };
  customer_tokens: {
    id: Generated<number>;
    customer_id: number;
    purpose: string;
    token_hash: string;
    email: string;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  /** The last run of each scheduled job (no personal data): see src/jobs/runner.ts. */
  job_runs: {
    /** The job's name (a JobName). */
    job: string;
    /** The scheduled time the run was for, ISO 8601; moved forward by the process that claims it. */
    slot: string;
    started_at: string;
    finished_at: string | null;
    outcome: 'running' | 'done' | 'failed';
    /** What the last finished run counted, as JSON ({"deleted":3}). */
    counts: string | null;
  };
  /** The exact words shown when consent was asked, stored once. */
  consent_wordings: {
    /** SHA-256 of the text. */
    hash: string;
    text: string;
    created_at: string;
  };
  /** Every consent given, withdrawn or acted on, hash-chained (see consent.service.ts). */
  consent_ledger: {
    id: Generated<number>;
    at: string;
    /** A keyed fingerprint of the person: of their account, or of their e-mail address when they have none. */
    subject_key: string;
    /** A PurposeKey: 'general-subscription', 'feedback', 'partner:3', 'stock-alert:17'. */
    purpose: string;
    /** `moved`: the account's e-mail address changed, and marketing now goes to the new one. */
    action: 'given' | 'withdrawn' | 'shared' | 'moved';
    method: string;
    wording_hash: string | null;
    policy_version: string | null;
    /** The staff member who recorded it, for a request received by e-mail or post. */
    staff_id: number | null;
    reason: string | null;
    /** What was shared, or which campaign an unsubscribe came from. */
    detail: string | null;
    prev_hash: string;
    hash: string;
    /** Not sealed; emptied when the person is erased. */
    customer_id: number | null;
    email: string | null;
  };
  /** Each person's current consent per purpose, derived from the ledger and rebuilt from it. */
  consent_state: {
    subject_key: string;
    purpose: string;
    given: number;
    customer_id: number | null;
    /** The address marketing goes to: the account's current one, or the one signed up. */
    email: string | null;
    /** The keyed fingerprint of that address, compared with the suppression list. */
    address_hash: string | null;
    entry_id: number;
    changed_at: string;
  };
  /** Sign-ups waiting for the double opt-in confirmation. */
  consent_requests: {
    id: Generated<number>;
    token_hash: string;
    email: string;
    purpose: string;
    method: string;
    wording_hash: string;
    policy_version: string;
    created_at: string;
  };
  /** Addresses (as keyed fingerprints) that withdrew consent for a purpose: never sent marketing for it again. */
  marketing_suppressions: {
    address_hash: string;
    purpose: string;
    method: string;
    created_at: string;
  };
  /** General Subscription ticks from before the ledger, written into it at the next start. */
  consent_legacy_ticks: {
    customer_id: number;
    given_at: string;
  };
  campaigns: {
    id: Generated<number>;
    title: string;
    subject: string;
    body_markdown: string;
    /** The consent purpose its audience gave (a PurposeKey). */
    purpose: string;
    status: 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';
    scheduled_for: string | null;
    started_at: string | null;
    finished_at: string | null;
    /** How many had consent when it was sent. */
    audience: number | null;
    queued: Generated<number>;
    sent: number | null;
    failed: number | null;
    withheld: number | null;
    body_id: number | null;
    /** The fingerprint of the last address queued: queueing resumes after it. */
    /** When the whole audience had been queued. */
    queued_at: string | null;
    created_at: string;
    updated_at: string;
  };
  /** The companies the owner has declared the shop may share data with, each only with consent. */
  partners: {
    id: Generated<number>;
    name: string;
    /** The fields it would receive, as JSON: ["first_name","email"]. */
    receives: string;
    why: string;
    country: string;
    policy_url: string;
    created_at: string;
    retired_at: string | null;
  };
  /** Answers to feedback requests: only what the person typed, tied to no one. */
  feedback_answers: {
    id: Generated<number>;
    rating: number | null;
    comments: string;
    created_at: string;
  };
  /** One random salt per day for the visitor keys of the statistics; deleted after 48 hours. */
  stats_salts: {
    day: string;
    salt: string;
    created_at: string;
  };
  /** Raw page views and page-leave beacons of the last two days at most: no address, no User-Agent. */
  stats_page_views: {
    at_ms: number;
    day: string;
    visitor_key: string;
    /** 'view' (a page view) or 'leave' (the page was hidden: refines time on site, not a view). */
    kind: string;
    path: string;
    referrer_host: string | null;
    browser: string;
    device: string;
  };
  /** A day's figures: counts only. */
  stats_daily: {
    day: string;
    visitors: number;
    visits: number;
    page_views: number;
    /** The sum over the day's visits of first to last event, in seconds. */
    visit_seconds: number;
    /** Visits of one page view. */
    bounces: number;
    rolled_up_at: string;
  };
  /** A day's figures by page, entry page, browser, device or referring host: counts only. */
  stats_daily_breakdown: {
    day: string;
    dimension: string;
    value: string;
    visitors: number;
    visits: number;
    page_views: number;
  };
  /**
   * A privacy request (access, rectification, erasure, objection, restriction, complaint). Kept six
   * years after it closes as the proof of compliance; the address, name and details are emptied
   * when it is minimised, the keyed hash of the address stays.
   */
  privacy_requests: {
    id: Generated<number>;
    reference: string;
    kind: string;
    channel: string;
    status: string;
    email: string | null;
    address_hash: string;
    customer_id: number | null;
    name: string | null;
    details: string | null;
    token_hash: string | null;
    token_expires_at: string | null;
    received_at: string;
    confirmed_at: string | null;
    due_at: string | null;
    extended_due_at: string | null;
    extension_reason: string | null;
    extension_told_at: string | null;
    acknowledged_at: string | null;
    closed_at: string | null;
    outcome: string | null;
    answer_token_hash: string | null;
    answer_expires_at: string | null;
    residue_scan: string | null;
    minimised_at: string | null;
    keep_until: string | null;
  };
  /** Each step of a privacy request: what, when, by whom (the person, the shop, or a staff role). */
  privacy_request_events: {
    id: Generated<number>;
    request_id: number;
    at: string;
    step: string;
    actor: string;
    note: string | null;
  };
  /** An objection or a restriction, by a keyed hash of the address; every processing path asks. */
  privacy_flags: {
    address_hash: string;
    kind: string;
    set_at: string;
    request_id: number | null;
  };
  /** Every erasure under pseudonymous keys, to re-apply after a restore; and orders whose erasure waits. */
  erasure_journal: {
    id: Generated<number>;
    erased_at: string;
    address_keys: string;
    customer_key: string | null;
    staff_key: string | null;
    request_id: number | null;
    waiting_orders: string | null;
    finished_at: string | null;
  };
  /** Every backup, restore, drill and journal push (no personal data): see src/features/backups. */
  backup_runs: {
    id: Generated<number>;
    kind: 'backup' | 'restore' | 'drill' | 'journal';
    started_at: string;
    finished_at: string | null;
    outcome: 'running' | 'done' | 'failed';
    /** The restic snapshot made (backup, journal) or used (restore, drill). */
    snapshot_id: string | null;
    /** The snapshot's size in bytes, before restic's compression and deduplication. */
    bytes: number | null;
    ms: number | null;
    /** What the run counted, as JSON: tables, rows, differences, erasures re-applied. Never personal data. */
    detail: string | null;
    /** Why it failed, in words that name no one. */
    error: string | null;
    /** Who started it: 'schedule', 'command line', or 'staff:<id>'. */
    actor: string;
  };
  /** The rate limits' shared counters, keyed by a keyed hash of the limit and network address (src/features/security). */
  rate_limit_hits: {
    key: string;
    hits: number;
    /** When the window ends, in milliseconds since 1970: the counter is deleted after. */
    resets_at: number;
  };
  /** The breach register (src/features/breaches): every suspected breach, reported or not. */
  breaches: {
    id: Generated<number>;
    title: string;
    what_happened: string;
    occurred_at: string | null;
    /** When the shop became aware of it: the ICO's 72 hours run from here. */
    discovered_at: string;
    recorded_at: string;
    /** The staff number of who recorded it. */
    recorded_by: number;
    /** The inventory's data categories affected, as a JSON array. */
    categories: string;
    data_affected: string;
    /** Who is affected, in words ("customers who ordered between 1 and 3 March"). */
    people_affected: string;
    people_count: number | null;
    /** 'unassessed' | 'unlikely' | 'risk' | 'high' (a risk to people's rights and freedoms; high: tell them too). */
    risk: string;
    risk_assessment: string;
    actions: string;
    reported_at: string | null;
    ico_reference: string | null;
    not_reported_reason: string | null;
    /** Why the report came after 72 hours (Art. 33(1)). */
    late_reason: string | null;
    notice_subject: string | null;
    notice_body: string | null;
    notice_reviewed_by: number | null;
    notice_reviewed_at: string | null;
    people_told_at: string | null;
    people_not_told_reason: string | null;
    closed_at: string | null;
    updated_at: string;
  };
  /** The people a breach affects, to tell them. */
  breach_people: {
    breach_id: number;
    email: string;
    customer_id: number | null;
    told_at: string | null;
  };
  /** Each staff member's acceptance of the confidentiality undertaking, one row per version of its text. */
  staff_undertakings: {
    staff_id: number;
    version: string;
    accepted_at: string;
  };
}
