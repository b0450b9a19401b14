import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Debouncer, sessionFormProblems, slugHint, slugQuery, titleProblems } from '../src/logic/titles';

test('the slug query carries the title in any script, encoded', () => {
  assert.equal(slugQuery('Sales Q3', 'project'), 'names/slug?title=Sales+Q3&kind=project');
  assert.equal(
    slugQuery('売上 🚀', 'project'),
    `names/slug?title=${encodeURIComponent('売上').replace(/%20/g, '+')}+${encodeURIComponent('🚀')}&kind=project`
  );
  assert.equal(slugQuery('a&b=c', 'session', 'sales-q3'), 'names/slug?title=a%26b%3Dc&kind=session&project=sales-q3');
  assert.equal(slugQuery('x', 'project', 'ignored'), 'names/slug?title=x&kind=project');
});

test('the hint names the folder and says why it differs', () => {
  assert.equal(
    slugHint({ title: 'Sales Q3', slug: 'sales-q3', available: true }, 'project'),
    'Project folder: sales-q3'
  );
  assert.equal(
    slugHint({ title: 'Sales Q3', slug: 'sales-q3-2', available: false }, 'project'),
    'Project folder: sales-q3-2 (the name is taken, so a number was added)'
  );
  assert.equal(
    slugHint(
      { title: '売上', slug: 'project-1', available: true, message: 'no Latin letters: a generic name is used' },
      'session'
    ),
    'Session folder: project-1 (no Latin letters: a generic name is used)'
  );
});

test('titles in any script pass the form; only empty or too long ones are stopped', () => {
  assert.deepEqual(titleProblems('売上レポート'), []);
  assert.deepEqual(titleProblems('🚀 launch'), []);
  assert.deepEqual(titleProblems('   '), ['Type a title.']);
  assert.deepEqual(titleProblems('x'.repeat(201)), ['The title is longer than 200 characters.']);
});

test('typing fast asks once, and older answers are dropped', async () => {
  const debounce = new Debouncer(5);
  const runs: number[] = [];
  debounce.call(seq => runs.push(seq));
  debounce.call(seq => runs.push(seq));
  const last = debounce.call(seq => runs.push(seq));
  await new Promise(resolve => setTimeout(resolve, 30));
  assert.deepEqual(runs, [last]);
  assert.equal(debounce.isLatest(last), true);
  debounce.call(() => undefined);
  assert.equal(debounce.isLatest(last), false);
  debounce.dispose();
});

test('a new project titled in any script passes the session form', () => {
  const form = { title: '四半期', project: '売上 Q3', newProject: true, files: [] };
  assert.deepEqual(sessionFormProblems(form), []);
  assert.deepEqual(sessionFormProblems({ ...form, project: '🚀 launch' }), []);
  assert.deepEqual(sessionFormProblems({ ...form, project: ' ' }), ['Name the new project.']);
  assert.deepEqual(sessionFormProblems({ ...form, newProject: false, project: '' }), [
    'Choose a project or name a new one.'
  ]);
  assert.deepEqual(sessionFormProblems({ ...form, files: [{ name: 'a.csv' }, { name: 'a.csv' }] }), [
    '"a.csv" is listed twice.'
  ]);
});
