import { MAIL_TEXT, MailParagraphs, renderMailHtml } from '../mail/mail.layout.js';

/** Where enquiries are forwarded: the shop's own inbox. */
export interface ContactInbox {
  shopName: string;
  email: string;
  publicUrl: string;
  /** The host name Message-IDs are made with (messageIdDomain(config.publicUrl)). */
  messageDomain: string;
}

export interface Enquiry {
  id: number;
  name: string;
  email: string;
  /** What it is about, in words ("Repairs, resizing or care"). */
  about: string;
  message: string;
}

/**
 * The e-mail that forwards an enquiry to the shop's inbox. It is sent from the outbox, which keeps
 * no Reply-To, so the sender's name and address come first in the text, and the link opens the
 * enquiry in the back office (where the address is a mailto link).
 */
export function enquiryForwardingMail(inbox: ContactInbox, e: Enquiry): { subject: string; text: string; html: string } {
  const subject = `Enquiry #${e.id}: ${e.about}`;
  const heading = [`From: ${e.name} <${e.email}>`, `About: ${e.about}`];
  const link = `${inbox.publicUrl}/admin/enquiries/${e.id}`;
  const footer = `Sent from the contact form. Reply to ${e.email}, or open the enquiry in the back office: ${link}`;
  return {
    subject,
    text: [...heading, '', e.message, '', footer, ''].join('\n'),
    html: renderMailHtml({
      shopName: inbox.shopName,
      subject,
      footer,
      children: (
        <>
          <MailParagraphs paragraphs={heading} />
          {/* The visitor's own line breaks are kept, as in the text part. */}
          <p style={`${MAIL_TEXT};white-space:pre-wrap`}>{e.message}</p>
        </>
      ),
    }),
  };
}
