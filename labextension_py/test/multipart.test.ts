import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { asksAccessKey, formatBytes, ISessionForm, mergeFiles, sessionFormData } from '../src/logic/multipart';

function file(name: string, text = 'x'): File {
  return new File([text], name, { type: 'text/plain' });
}

function form(extra: Partial<ISessionForm> = {}): ISessionForm {
  return { title: 'My run', project: 'demo', newProject: false, mode: 'claude', files: [], ...extra };
}

test('the multipart body has the API field names and one files part per file', async () => {
  const body = sessionFormData(form({ title: '  Spaces ', files: [file('a.csv', 'a,b\n1,2\n'), file('b.txt')] }));
  assert.equal(body.get('title'), 'Spaces');
  assert.equal(body.get('project'), 'demo');
  assert.equal(body.get('mode'), 'claude');
  const files = body.getAll('files') as File[];
  assert.deepEqual(
    files.map(f => f.name),
    ['a.csv', 'b.txt']
  );
  assert.equal(await files[0].text(), 'a,b\n1,2\n');
  // Round trip through a real multipart encoding.
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type') ?? '';
  assert.match(type, /^multipart\/form-data; boundary=/);
  const text = await encoded.text();
  assert.match(text, /name="files"; filename="a.csv"/);
});

test('the shell access key goes with shell mode only, never empty', () => {
  const shell = sessionFormData(form({ mode: 'shell', accessKey: 's3cret key' }));
  assert.equal(shell.get('mode'), 'shell');
  assert.equal(shell.get('access_key'), 's3cret key');
  assert.equal(sessionFormData(form({ mode: 'shell', accessKey: '' })).has('access_key'), false);
  assert.equal(sessionFormData(form({ mode: 'shell' })).has('access_key'), false);
  assert.equal(sessionFormData(form({ mode: 'claude', accessKey: 'left over' })).has('access_key'), false);
});

test('resuming asks for the shell access key only after a 403 for a shell session', () => {
  const refusal = { status: 403, blocked: false, mode: 'shell', keyGiven: false };
  assert.equal(asksAccessKey(refusal), true);
  assert.equal(asksAccessKey({ ...refusal, mode: 'claude' }), false);
  assert.equal(asksAccessKey({ ...refusal, mode: undefined }), false);
  assert.equal(asksAccessKey({ ...refusal, status: 404 }), false);
  assert.equal(asksAccessKey({ ...refusal, blocked: true }), false);
  assert.equal(asksAccessKey({ ...refusal, keyGiven: true }), false);
});

test('merging and sizes', () => {
  const merged = mergeFiles([file('a', '1'), file('b')], [file('a', '22'), file('c')]);
  assert.deepEqual(
    merged.map(f => [f.name, f.size]),
    [
      ['a', 2],
      ['b', 1],
      ['c', 1]
    ]
  );
  assert.equal(formatBytes(10), '10 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  assert.equal(formatBytes(300 * 1024 * 1024), '300 MB');
});
