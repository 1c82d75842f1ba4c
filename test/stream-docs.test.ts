import { readFileSync } from 'node:fs';
import { renderStreamDocs, STREAM_DOCS } from '../scripts/stream-docs';
import { STREAMS } from '../src/datadog/streams/table';

describe('docs/streams.md', () => {
  const docs = readFileSync(STREAM_DOCS, 'utf8');

  it('has the catalogue the stream table generates (run `npm run docs:streams` after changing the table)', () => {
    expect(docs).toBe(renderStreamDocs(docs));
  });

  it('lists every stream of the table with its endpoint and permission', () => {
    for (const def of STREAMS) expect(docs).toContain(`| \`${def.name}\` | \`${def.method} ${def.path}\``);
  });
});
