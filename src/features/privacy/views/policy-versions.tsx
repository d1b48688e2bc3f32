import type { Change } from 'diff';
import { Breadcrumbs, Notice } from '../../../http/views/components.js';
import { type PolicyVersion, comparePath } from '../privacy.service.js';
import { longDate } from './policy-page.js';
import { lazy } from '../../../shared/lazy.js';

/** The text differ, loaded when a comparison of two versions is first shown rather than when the shop starts. */
const loadDiff = lazy<typeof import('diff')>('diff');

/** What a version published before texts were kept shows instead of its text. */
export const TEXT_NOT_KEPT = 'text not kept (published before versions were kept in full)';

export type ListedVersion = PolicyVersion & { hasText: boolean };

const dateOf = (iso: string) => longDate.format(new Date(iso));

function Trail({ last }: { last?: string }) {
  return (
    <Breadcrumbs
      trail={[
        { href: '/', label: 'Home' },
        { href: '/privacy', label: 'Privacy Policy' },
        ...(last ? [{ href: '/privacy/versions', label: 'Versions' }, { label: last }] : [{ label: 'Versions' }]),
      ]}
    />
  );
}

/** The form choosing two versions to compare: a GET, so it works without JavaScript and its answer can be linked to. */
function CompareForm({ versions, from, to }: { versions: ListedVersion[]; from?: string; to?: string }) {
  if (versions.length < 2) return <p>There is only one version so far, so there is nothing to compare it with.</p>;
  const label = (v: ListedVersion) => `${dateOf(v.publishedAt)} — ${v.version}${v.hasText ? '' : ' (text not kept)'}`;
  return (
    <form method="get" action="/privacy/versions/compare" class="policy-compare-form">
      <h2 id="compare">Compare two versions</h2>
      <div class="field">
        <label for="compare-from">From the older version</label>
        <select id="compare-from" name="from">
          {versions.map((v) => (
            <option value={v.version} key={v.version} selected={v.version === (from ?? versions[1]?.version)}>
              {label(v)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="compare-to">To the newer version</label>
        <select id="compare-to" name="to">
          {versions.map((v) => (
            <option value={v.version} key={v.version} selected={v.version === (to ?? versions[0]?.version)}>
              {label(v)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button">
        Show what changed
      </button>
    </form>
  );
}

/** /privacy/versions: every version, newest first, with its date and the summary of a material change. */
export function VersionsPage({ versions, current, error }: { versions: ListedVersion[]; current: string; error?: string }) {
  return (
    <article class="policy prose">
      <Trail />
      <h1>Every version of our privacy policy</h1>
      <p>
        Each time what our privacy policy says changes, it gets a new version, and we keep each one as it was published. The newest is
        first. A change that matters to you is marked, with what it means in a few words.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      <ol class="plain policy-versions">
        {versions.map((v) => (
          <li key={v.version} class="policy-version-entry">
            <a href={`/privacy/versions/${v.version}`}>{dateOf(v.publishedAt)}</a> — version <code>{v.version}</code>
            {v.version === current && <strong class="tag">In force now</strong>}
            {!v.hasText && <span class="policy-only"> — {TEXT_NOT_KEPT}</span>}
            {v.materialSummary && (
              <p class="policy-material">
                <strong>What changed:</strong> {v.materialSummary}
              </p>
            )}
          </li>
        ))}
      </ol>
      <CompareForm versions={versions} />
    </article>
  );
}

/** /privacy/versions/<v>: one version's text, as it was published. */
export function VersionPage({
  version,
  text,
  previous,
  current,
}: {
  version: PolicyVersion;
  text: string;
  previous: string | null;
  current: string;
}) {
  return (
    <article class="policy prose">
      <Trail last={version.version} />
      <h1>Privacy Policy, version {version.version}</h1>
      <p class="policy-version">
        Published {dateOf(version.publishedAt)}.{' '}
        {version.version === current ? 'This is the version in force now.' : <a href="/privacy">Read the version in force now</a>}
        {previous && (
          <>
            {' '}
            <a href={comparePath(previous, version.version)}>What changed from the version before</a>.
          </>
        )}
      </p>
      {version.materialSummary && (
        <p class="policy-material">
          <strong>What changed:</strong> {version.materialSummary}
        </p>
      )}
      {text === '' ? <p>The {TEXT_NOT_KEPT}.</p> : <div class="policy-version-text">{text}</div>}
    </article>
  );
}

/** Lines of unchanged text kept on each side of a change, for its context. */
const CONTEXT_LINES = 2;

type Block =
  | { kind: 'same'; lines: string[] }
  | { kind: 'removed'; text: string }
  | { kind: 'added'; text: string }
  | { kind: 'changed'; words: Change[] };

/**
 * The two texts as blocks: unchanged lines, lines removed, lines added, and a removal followed by
 * an addition (a paragraph reworded) compared word by word, so that the change within it shows.
 */
export function diffBlocks(from: string, to: string): Block[] {
  const { diffLines, diffWords } = loadDiff();
  const parts = diffLines(from, to);
  const blocks: Block[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as Change;
    const next = parts[i + 1];
    if (p.removed && next?.added) {
      blocks.push({ kind: 'changed', words: diffWords(p.value.replace(/\n$/, ''), next.value.replace(/\n$/, '')) });
      i++;
    } else if (p.removed) blocks.push({ kind: 'removed', text: p.value });
    else if (p.added) blocks.push({ kind: 'added', text: p.value });
    else blocks.push({ kind: 'same', lines: p.value.replace(/\n$/, '').split('\n') });
  }
  return blocks;
}

function Removed({ text }: { text: string }) {
  return (
    <del>
      <span class="visually-hidden">[Removed: </span>
      {text}
      <span class="visually-hidden">]</span>
    </del>
  );
}

function Added({ text }: { text: string }) {
  return (
    <ins>
      <span class="visually-hidden">[Added: </span>
      {text}
      <span class="visually-hidden">]</span>
    </ins>
  );
}

function SameLines({ lines, first, last }: { lines: string[]; first: boolean; last: boolean }) {
  const head = first ? [] : lines.slice(0, CONTEXT_LINES);
  const tail = last ? [] : lines.slice(Math.max(head.length, lines.length - CONTEXT_LINES));
  const skipped = lines.length - head.length - tail.length;
  return (
    <>
      {head.length > 0 && <div class="diff-same">{head.join('\n')}</div>}
      {skipped > 0 && (
        <p class="diff-skipped">
          … {skipped} unchanged {skipped === 1 ? 'line' : 'lines'} …
        </p>
      )}
      {tail.length > 0 && <div class="diff-same">{tail.join('\n')}</div>}
    </>
  );
}

/** /privacy/versions/compare: what changed between two versions, additions and removals marked in words as well as in colour. */
export function ComparePage({
  from,
  to,
  blocks,
  versions,
}: {
  from: PolicyVersion & { text: string };
  to: PolicyVersion & { text: string };
  blocks: Block[] | null;
  versions: ListedVersion[];
}) {
  const changes = blocks?.filter((b) => b.kind !== 'same').length ?? 0;
  return (
    <article class="policy prose">
      <Trail last="What changed" />
      <h1>What changed in our privacy policy</h1>
      <p class="policy-version">
        From version <a href={`/privacy/versions/${from.version}`}>{from.version}</a> of {dateOf(from.publishedAt)} to version{' '}
        <a href={`/privacy/versions/${to.version}`}>{to.version}</a> of {dateOf(to.publishedAt)}.
      </p>
      {to.materialSummary && (
        <p class="policy-material">
          <strong>What changed, in short:</strong> {to.materialSummary}
        </p>
      )}
      {blocks === null ? (
        <Notice kind="info">
          Version {from.text === '' ? from.version : to.version} was published before versions were kept in full, so its text was not kept
          and the two cannot be compared word for word.
        </Notice>
      ) : changes === 0 ? (
        <p>The text of the two versions is the same.</p>
      ) : (
        <>
          <p class="diff-legend">
            {changes === 1 ? 'One passage changed.' : `${changes} passages changed.`} Added words are <ins>underlined</ins>, removed words{' '}
            <del>struck through</del>; each is also announced as added or removed.
          </p>
          <div class="policy-diff">
            {blocks.map((b, i) => {
              switch (b.kind) {
                case 'same':
                  return <SameLines key={i} lines={b.lines} first={i === 0} last={i === blocks.length - 1} />;
                case 'removed':
                  return (
                    <div key={i} class="diff-change diff-removed">
                      <Removed text={b.text.replace(/\n$/, '')} />
                    </div>
                  );
                case 'added':
                  return (
                    <div key={i} class="diff-change diff-added">
                      <Added text={b.text.replace(/\n$/, '')} />
                    </div>
                  );
                case 'changed':
                  return (
                    <div key={i} class="diff-change">
                      {b.words.map((w, j) =>
                        w.added ? <Added key={j} text={w.value} /> : w.removed ? <Removed key={j} text={w.value} /> : w.value,
                      )}
                    </div>
                  );
              }
            })}
          </div>
        </>
      )}
      <CompareForm versions={versions} from={from.version} to={to.version} />
    </article>
  );
}
