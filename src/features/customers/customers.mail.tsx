import { plainMail } from '../mail/mail.layout.js';

/**
 * Account e-mails: service messages about the account itself, sent whatever the marketing choice.
 * Each is short, says why it was sent, and what to do if the reader did not ask for it.
 */
export interface AccountMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  messageDomain: string;
}

export interface AccountMail {
  subject: string;
  text: string;
  html: string;
}

function mail(ctx: AccountMailContext, subject: string, paragraphs: string[], link?: { href: string; label: string }): AccountMail {
  return plainMail(ctx, subject, paragraphs, link ? { link } : {});
}

export const accountMails = {
  verify: (ctx: AccountMailContext, firstName: string, url: string) =>
    mail(
      ctx,
      `Please confirm your e-mail address for ${ctx.shopName}`,
      [
        `Dear ${firstName},`,
        'Thank you for opening an account. Please confirm that this e-mail address is yours. The link works for 48 hours.',
        "If you didn't open an account, ignore this e-mail: without confirmation the account is deleted within 7 days.",
      ],
      { href: url, label: 'Confirm my e-mail address' },
    ),
  alreadyRegistered: (ctx: AccountMailContext, firstName: string) =>
    mail(
      ctx,
      `Someone tried to open an account with your address at ${ctx.shopName}`,
      [
        `Dear ${firstName},`,
        'Someone — perhaps you — tried to open a new account with this e-mail address, which already has an account with us. Nothing has changed.',
        'If it was you, sign in instead; if you have forgotten your password, you can choose a new one.',
      ],
      { href: `${ctx.publicUrl}/account/reset`, label: 'Reset my password' },
    ),
  reset: (ctx: AccountMailContext, firstName: string, url: string) =>
    mail(
      ctx,
      `Choose a new password for ${ctx.shopName}`,
      [
        `Dear ${firstName},`,
        'Use this link to choose a new password. It works once, for one hour.',
        "If you didn't ask, ignore this e-mail: your password stays as it is.",
      ],
      { href: url, label: 'Choose a new password' },
    ),
  passwordChanged: (ctx: AccountMailContext, firstName: string) =>
    mail(ctx, `Your ${ctx.shopName} password has been changed`, [
      `Dear ${firstName},`,
      'The password of your account has just been changed, and every other device has been signed out.',
      `If this wasn't you, please reset your password at once and tell us at ${ctx.shopEmail}.`,
    ]),
  confirmNewEmail: (ctx: AccountMailContext, firstName: string, url: string) =>
    mail(
      ctx,
      `Please confirm your new e-mail address for ${ctx.shopName}`,
      [
        `Dear ${firstName},`,
        'You asked to use this address for your account. It takes effect once you confirm it. The link works for 48 hours.',
      ],
      { href: url, label: 'Confirm my new address' },
    ),
  emailChangeRequested: (ctx: AccountMailContext, firstName: string, newEmail: string) =>
    mail(ctx, `Your ${ctx.shopName} e-mail address is being changed`, [
      `Dear ${firstName},`,
      `Someone signed in to your account asked to change its e-mail address to ${newEmail}. It changes only once that address is confirmed.`,
      `If this wasn't you, please change your password and tell us at ${ctx.shopEmail}.`,
    ]),
  emailChanged: (ctx: AccountMailContext, firstName: string, newEmail: string) =>
    mail(ctx, `Your ${ctx.shopName} e-mail address has been changed`, [
      `Dear ${firstName},`,
      `Your account's e-mail address is now ${newEmail}. We won't write to this address about your account again.`,
      `If this wasn't you, please tell us at ${ctx.shopEmail}.`,
    ]),
};
