import { Notice } from '../../../http/views/components.js';
import type { KeptRecord } from '../erasure.service.js';

/** The page after the account is deleted: the visitor is signed out, and told what was kept and that an e-mail confirms it. */
export function AccountDeletedPage({
  kept,
  waitingOrders,
  reference,
  backupRetention,
}: {
  kept: KeptRecord[];
  waitingOrders: string[];
  reference: string;
  /** "within 93 days": the keep policy in force, in words (backupRetentionText). */
  backupRetention: string;
}) {
  return (
    <section class="narrow">
      <Notice kind="success">Your account is deleted, and you are signed out.</Notice>
      <h1>Your account is deleted</h1>
      <p class="lead">
        We have erased your account, your details, addresses, choices and messages. An e-mail on its way to you confirms what was erased and
        what we keep; we keep no copy of it. Your request's reference is {reference}.
      </p>
      {waitingOrders.map((n) => (
        <p key={n}>We will finish delivering order {n} and erase it 30 days after delivery, keeping only its tax record.</p>
      ))}
      <h2>What we keep</h2>
      <ul>
        {kept.map((k) => (
          <li key={k.what}>
            {k.what}: {k.why}. Kept until {k.until}.
          </li>
        ))}
      </ul>
      <p>Opayo (Elavon), our payment provider, keeps its own record of your card payments. Backups expire {backupRetention}.</p>
      <p>
        <a class="button" href="/">
          Back to the shop
        </a>
      </p>
    </section>
  );
}
