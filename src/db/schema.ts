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
}
