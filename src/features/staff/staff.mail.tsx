import type { Config } from '../../config.js';
import { MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';
import { messageIdDomain } from '../mail/outbox.service.js';

/**
 * Security notices to a member of staff about their own back-office account. Each says what
 * happened, from which network where that helps, and what to do if it was not them.
 */
export interface StaffMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  messageDomain: string;
}

export function staffMailContext(config: Config): StaffMailContext {
  return {
    shopName: config.shop.name,
    shopEmail: config.shop.email,
    publicUrl: config.publicUrl,
    messageDomain: messageIdDomain(config.publicUrl),
  };
}

export interface StaffMail {
  kind: string;
  subject: string;
  text: string;
  html: string;
}

function mail(ctx: StaffMailContext, kind: string, subject: string, name: string, lines: string[]): StaffMail {
  const paragraphs = [
    `Dear ${name},`,
    ...lines,
    `If this wasn't you, tell the shop's owner at once: they can end your sessions and give you a new set-up link.`,
  ];
  const closing = `${ctx.shopName} back office · ${ctx.publicUrl}/admin`;
  const text = [...paragraphs, '', closing, ''].join('\n');
  const html = renderMailHtml({ shopName: ctx.shopName, subject, footer: closing, children: <MailParagraphs paragraphs={paragraphs} /> });
  return { kind, subject, text, html };
}

const from = (network: string | null) => (network ? ` from the network ${network}` : '');

export const staffMails = {
  newNetwork: (ctx: StaffMailContext, name: string, network: string | null) =>
    mail(ctx, 'staff-new-network', `New sign-in to the ${ctx.shopName} back office`, name, [
      `Someone signed in to your back-office account${from(network)}, a network your account had not signed in from before.`,
    ]),
  locked: (ctx: StaffMailContext, name: string, network: string | null) =>
    mail(ctx, 'staff-locked', `Repeated failed sign-ins to your ${ctx.shopName} back-office account`, name, [
      `There have been repeated failed attempts to sign in to your back-office account${from(network)}, so sign-ins from there now wait a while.`,
      'You can still sign in from the networks you usually use.',
    ]),
  recoveryCodeUsed: (ctx: StaffMailContext, name: string, left: number) =>
    mail(ctx, 'staff-recovery-code-used', `A recovery code was used on your ${ctx.shopName} back-office account`, name, [
      `One of your recovery codes was just used instead of a code from your authenticator app. You have ${left} recovery codes left.`,
      'If your phone is lost, move two-factor sign-in to a new phone from Your account.',
    ]),
  twoFactorOn: (ctx: StaffMailContext, name: string) =>
    mail(ctx, 'staff-two-factor-on', `Two-factor sign-in is on for your ${ctx.shopName} back-office account`, name, [
      'Two-factor sign-in has been turned on for your account, with a new set of ten recovery codes.',
    ]),
  twoFactorMoved: (ctx: StaffMailContext, name: string) =>
    mail(ctx, 'staff-two-factor-moved', `Two-factor sign-in moved to a new phone`, name, [
      'Two-factor sign-in for your back-office account has been moved to a new authenticator app. Codes from the old one, and your old recovery codes, no longer work.',
    ]),
  twoFactorOff: (ctx: StaffMailContext, name: string) =>
    mail(ctx, 'staff-two-factor-off', `Two-factor sign-in was reset on your ${ctx.shopName} back-office account`, name, [
      'An owner has reset two-factor sign-in on your account, and every session you had was ended. Your next sign-in with your password, within 3 days, sets it up again on your phone.',
    ]),
  passwordSet: (ctx: StaffMailContext, name: string, network: string | null) =>
    mail(ctx, 'staff-password-set', `Your ${ctx.shopName} back-office password has been set`, name, [
      `The password of your back-office account was just set through a one-time set-up link${from(network)}. Every earlier session has been ended.`,
    ]),
  setupLink: (ctx: StaffMailContext, name: string, by: string) =>
    mail(ctx, 'staff-setup-link', `A new set-up link was made for your ${ctx.shopName} back-office account`, name, [
      `A new one-time set-up link for your account was made ${by}. Your old password no longer works and your sessions have been ended; the link lets you choose a new password and set up two-factor sign-in again.`,
    ]),
  signedOutEverywhere: (ctx: StaffMailContext, name: string) =>
    mail(ctx, 'staff-signed-out-everywhere', `You were signed out of the ${ctx.shopName} back office everywhere`, name, [
      'Every session of your back-office account has just been ended, on every device, with "Sign out everywhere".',
    ]),
};
