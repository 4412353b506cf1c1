import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink, parseLinkHeader } from '../../../src/core/sentry/linkHeader';

test("parses Sentry's documented Link header", () => {
  const h =
    '<https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", ' +
    '<https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"';
  const links = parseLinkHeader(h);
  assert.equal(links.length, 2);
  assert.deepEqual(links[0], {
    url: 'https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:0:1',
    rel: 'previous',
    results: false,
    cursor: '0:0:1',
  });
  assert.deepEqual(nextLink(h), {
    url: 'https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:100:0',
    rel: 'next',
    results: true,
    cursor: '0:100:0',
  });
});

test('tolerates opaque cursors, commas in URLs and a missing cursor attribute', () => {
  const h = '<https://x/api/0/a/?q=a,b&cursor=bz0xNjg%3D>; rel="next"; results="true"';
  const n = nextLink(h);
  assert.equal(n?.cursor, 'bz0xNjg=');
  assert.equal(n?.results, true);
});

test('no header, no links', () => {
  assert.deepEqual(parseLinkHeader(undefined), []);
  assert.equal(nextLink(''), undefined);
  assert.equal(nextLink('garbage'), undefined);
});
