/**
 * The processors: the companies that handle personal data on the shop's behalf, each declared once
 * by what it does for the shop (its role): what it receives and why are fixed by the code, since the
 * code decides what is sent to it; who it is, where, and the safeguard for a transfer out of the UK
 * are the shop profile's settings (PAYMENT_PROCESSOR, MAIL_PROCESSOR, HOSTING_PROCESSOR,
 * BACKUP_PROCESSOR), checked at start-up so that the published policy names the real ones. The
 * privacy policy, the records of processing and the shop export all read this one list.
 */

export type ProcessorRole = 'payments' | 'email' | 'hosting' | 'backups';

/**
 * How a transfer out of the UK is made lawful (UK GDPR Chapter V):
 * - `uk`: the data stays in the United Kingdom, so nothing is transferred;
 * - `adequacy`: to a country the UK has found adequate (the EU and EEA among them);
 * - `uk-us-data-bridge`: to a US company certified under the UK Extension to the EU-US Data Privacy Framework;
 * - `idta`: the ICO's International Data Transfer Agreement, with a transfer risk assessment;
 * - `addendum`: the EU standard contractual clauses with the UK Addendum, with a transfer risk assessment.
 */
export type Safeguard = 'uk' | 'adequacy' | 'uk-us-data-bridge' | 'idta' | 'addendum';

export const SAFEGUARDS: readonly Safeguard[] = ['uk', 'adequacy', 'uk-us-data-bridge', 'idta', 'addendum'];

export const SAFEGUARD_TEXT: Record<Safeguard, string> = {
  uk: 'None needed: the data stays in the United Kingdom',
  adequacy: 'UK adequacy regulations: the UK has found the country to protect personal data adequately',
  'uk-us-data-bridge': 'The UK-US data bridge: the company is certified under the UK Extension to the EU-US Data Privacy Framework',
  idta: "The ICO's International Data Transfer Agreement (IDTA), with our transfer risk assessment",
  addendum: "The EU standard contractual clauses with the UK's International Data Transfer Addendum, with our transfer risk assessment",
};

/**
 * The countries the UK's adequacy regulations cover, as the settings name them (UK GDPR Art. 45 and
 * the Data Protection Act 2018 Sch. 21): the EEA, and the countries the UK recognised. The United
 * States is covered only for certified companies, so it takes the data bridge (or the IDTA or Addendum).
 */
export const ADEQUATE_COUNTRIES = [
  // The EEA.
  'Austria',
  'Belgium',
  'Bulgaria',
  'Croatia',
  'Cyprus',
  'Czechia',
  'Denmark',
  'Estonia',
  'Finland',
  'France',
  'Germany',
  'Greece',
  'Hungary',
  'Iceland',
  'Ireland',
  'Italy',
  'Latvia',
  'Liechtenstein',
  'Lithuania',
  'Luxembourg',
  'Malta',
  'Netherlands',
  'Norway',
  'Poland',
  'Portugal',
  'Romania',
  'Slovakia',
  'Slovenia',
  'Spain',
  'Sweden',
  // The countries and territories the UK recognised.
  'Andorra',
  'Argentina',
  'Canada',
  'Faroe Islands',
  'Gibraltar',
  'Guernsey',
  'Isle of Man',
  'Israel',
  'Japan',
  'Jersey',
  'New Zealand',
  'Republic of Korea',
  'Switzerland',
  'Uruguay',
] as const;

export const UNITED_KINGDOM = 'United Kingdom';

/** A processor as the shop profile names it. */
export interface ProcessorSetting {
  name: string;
  country: string;
  safeguard: Safeguard;
}

/** What the code sends a processor of each role, and why: the same whoever the shop picks. */
export const PROCESSOR_ROLES: Record<ProcessorRole, { title: string; receives: string; why: string; setting: string }> = {
  payments: {
    title: 'Card payments',
    receives:
      "Your name, billing and delivery addresses, e-mail address, phone number, the order's number and amount; and your card details, which you type into its own page and which we never see or store",
    why: 'To take your payment and check it for fraud (our contract with you)',
    setting: 'PAYMENT_PROCESSOR',
  },
  email: {
    title: 'Sending e-mail',
    receives:
      'The e-mails we send you: your e-mail address and name, and what each message says (an order confirmation names what you bought)',
    why: 'To deliver our e-mails to you (our contract with you; newsletters only with your consent)',
    setting: 'MAIL_PROCESSOR',
  },
  hosting: {
    title: 'Hosting the shop',
    receives: 'Everything the shop stores, on the servers it runs on: it keeps it for us and may not use it',
    why: 'To run the shop (our contract with you, and our legitimate interests in a shop that works)',
    setting: 'HOSTING_PROCESSOR',
  },
  backups: {
    title: 'Keeping our backups',
    receives: 'Encrypted copies of the shop’s database and images, which it cannot read (the key stays with us)',
    why: 'To restore the shop after a failure (our legitimate interests, and keeping your orders safe)',
    setting: 'BACKUP_PROCESSOR',
  },
};

/** The defaults: the demo shop's own choices; a real shop sets each that it uses. */
export const DEFAULT_PROCESSORS: Record<ProcessorRole, ProcessorSetting> = {
  payments: { name: 'Elavon Financial Services DAC, trading as Opayo', country: UNITED_KINGDOM, safeguard: 'uk' },
  email: { name: 'The mail server the shop runs itself', country: UNITED_KINGDOM, safeguard: 'uk' },
  hosting: { name: 'The server the shop runs on, at the shop', country: UNITED_KINGDOM, safeguard: 'uk' },
  backups: { name: 'A second disk, away from the shop’s server', country: UNITED_KINGDOM, safeguard: 'uk' },
};

/**
 * Reads a setting written "Name; Country; safeguard" (the safeguard may be left out for the UK and
 * adequate countries, where it follows). Returns a message in words when the setting cannot be
 * right: a transfer to a country without adequacy needs the data bridge, the IDTA or the Addendum.
 */
export function parseProcessorSetting(text: string): { ok: true; value: ProcessorSetting } | { ok: false; message: string } {
  const parts = text.split(';').map((p) => p.trim());
  const [name = '', country = '', safeguardText, ...rest] = parts;
  if (rest.length > 0 || name === '' || country === '')
    return { ok: false, message: 'expected "Company name; Country" or "Company name; Country; safeguard"' };
  const adequate = (ADEQUATE_COUNTRIES as readonly string[]).find((c) => c.toLowerCase() === country.toLowerCase());
  const inUk = country.toLowerCase() === UNITED_KINGDOM.toLowerCase() || country.toLowerCase() === 'uk';
  const canonical = inUk ? UNITED_KINGDOM : (adequate ?? country);
  if (safeguardText === undefined || safeguardText === '') {
    if (inUk) return { ok: true, value: { name, country: canonical, safeguard: 'uk' } };
    if (adequate) return { ok: true, value: { name, country: canonical, safeguard: 'adequacy' } };
    return {
      ok: false,
      message: `${country} has no UK adequacy: name the safeguard after the country (uk-us-data-bridge, idta or addendum)`,
    };
  }
  if (!(SAFEGUARDS as readonly string[]).includes(safeguardText))
    return { ok: false, message: `expected the safeguard to be one of ${SAFEGUARDS.join(', ')}` };
  const safeguard = safeguardText as Safeguard;
  if (safeguard === 'uk' && !inUk) return { ok: false, message: 'the safeguard "uk" is only for a processor in the United Kingdom' };
  if (safeguard === 'adequacy' && !adequate)
    return { ok: false, message: `${country} is not among the countries the UK has found adequate` };
  if (safeguard === 'uk-us-data-bridge' && !/^(united states|usa|us)$/i.test(country))
    return { ok: false, message: 'the UK-US data bridge is only for a company in the United States' };
  return { ok: true, value: { name, country: /^(usa|us)$/i.test(country) ? 'United States' : canonical, safeguard } };
}

/** A processor the shop uses now: its role's fixed declaration with the profile's choice. */
export interface ProcessorInUse extends ProcessorSetting {
  role: ProcessorRole;
  title: string;
  receives: string;
  why: string;
  safeguardText: string;
  /** Whether its data leaves the United Kingdom. */
  transfer: boolean;
}

/**
 * The processors in use: payments and hosting always; e-mail only when the shop sends through an
 * SMTP provider (without one, mail is written to files on the shop's own server); backups only
 * when backups are set up.
 */
export function processorsInUse(config: {
  processors: Record<ProcessorRole, ProcessorSetting>;
  smtpUrl: string | undefined;
  backups: { repository: string | null };
}): ProcessorInUse[] {
  const roles: ProcessorRole[] = ['payments', 'hosting'];
  if (config.smtpUrl) roles.push('email');
  if (config.backups.repository) roles.push('backups');
  return roles.map((role) => {
    const chosen = config.processors[role];
    return {
      role,
      ...chosen,
      title: PROCESSOR_ROLES[role].title,
      receives: PROCESSOR_ROLES[role].receives,
      why: PROCESSOR_ROLES[role].why,
      safeguardText: SAFEGUARD_TEXT[chosen.safeguard],
      transfer: chosen.safeguard !== 'uk',
    };
  });
}
