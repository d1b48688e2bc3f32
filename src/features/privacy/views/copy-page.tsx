import { Fragment } from 'preact';
import type { CopySection, PersonalCopy } from '../copy.types.js';
import { whenText } from '../../customers/views/when.js';

/** A value as written, its line breaks kept (an e-mail's text, a message). */
function MultiLine({ text }: { text: string }) {
  const lines = text.split('\n');
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </>
  );
}

/** One section of the copy: its items, each a list of labelled values; an empty section says so. */
export function CopySectionView({ section, level = 2 }: { section: CopySection; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const ItemHeading = level === 2 ? 'h3' : 'h4';
  return (
    <section class="account-section copy-section" id={section.id} aria-labelledby={`${section.id}-title`}>
      <Heading id={`${section.id}-title`}>{section.title}</Heading>
      <p>{section.intro}</p>
      {section.items.length === 0 ? (
        <p class="empty">We hold nothing of this kind about you.</p>
      ) : (
        section.items.map((item, i) => (
          <div class="copy-item" key={i}>
            {item.heading && <ItemHeading>{item.heading}</ItemHeading>}
            <dl class="facts">
              {/* Pairs without a wrapper, and plain text unless it has line breaks: a copy of 500 orders has some 15,000 values. */}
              {item.fields.flatMap((f, j) => [
                <dt key={`t${j}`}>{f.label}</dt>,
                <dd key={`d${j}`}>{f.value.includes('\n') ? <MultiLine text={f.value} /> : f.value}</dd>,
              ])}
            </dl>
          </div>
        ))
      )}
    </section>
  );
}

/** The readable copy of a person's data, with a link to download it as a zip. */
export function CopyDocument({ copy, zipHref }: { copy: PersonalCopy; zipHref: string | null }) {
  return (
    <div class="copy">
      <p class="lead">
        Everything we hold about you, as of {whenText(copy.madeAt, true)}, for {copy.emails.join(', ')}. It is free, and you can ask for it
        as often as you like.
      </p>
      {zipHref && (
        <p>
          <a class="button" href={zipHref} download>
            Download as a file (zip)
          </a>
        </p>
      )}
      {zipHref && (
        <p class="form-note">
          The file holds this page, all the data as JSON (data.json) and your orders as spreadsheets (orders.csv, order-lines.csv), to keep
          or take to another company.
        </p>
      )}
      <nav aria-label="Sections of your data">
        <ul class="inline-list">
          {copy.sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`}>{s.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {copy.sections.map((s) => (
        <CopySectionView key={s.id} section={s} />
      ))}
    </div>
  );
}
