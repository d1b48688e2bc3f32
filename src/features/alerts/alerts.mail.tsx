import { plainMail } from '../mail/mail.layout.js';

/** What the alert e-mails need to know about the shop. */
export interface AlertMailContext {
  shopName: string;
  shopEmail: string;
  publicUrl: string;
  /** The host name of our Message-IDs (messageIdDomain(publicUrl)). */
  messageDomain: string;
}

export const alertMails = {
  /** The double opt-in: a service message (no consent yet), whose link opens the page with the Confirm button. */
  confirm: (ctx: AlertMailContext, piece: string, url: string) =>
    plainMail(
      ctx,
      `Please confirm: e-mail you when ${piece} is back`,
      [
        `You asked us to e-mail you once when ${piece} is back in stock. Please confirm that this address is yours and that you want that e-mail.`,
        `Nothing is sent until you confirm. If you didn't ask, ignore this e-mail: the request is deleted within 7 days.`,
      ],
      { link: { href: url, label: 'Confirm my alert' } },
    ),

  /** The alert itself: marketing (it needs the consent), sent once; its unsubscribe link goes where the placeholder is. */
  backInStock: (ctx: AlertMailContext, piece: string, productUrl: string) =>
    plainMail(
      ctx,
      `${piece} is back in stock`,
      [
        `Good news: ${piece} is back in stock, as you asked us to tell you.`,
        'This is the only e-mail we send about it: your alert has now been used, and we have not added you to any other list.',
      ],
      { link: { href: productUrl, label: 'See the piece' }, unsubscribe: "Don't want e-mails like this?" },
    ),
};
