import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  candidatePaths,
  normalizeFramePath,
  stripDeployRoot,
  type NormalizedPath,
} from '../../../src/core/frames/framePath';

function segs(p: string): string {
  const r = normalizeFramePath(p);
  assert.ok(r.ok, `${p} should normalise, got ${JSON.stringify(r)}`);
  return r.path.segments.join('/');
}

function code(p: string): string {
  const r = normalizeFramePath(p);
  assert.ok(!r.ok, `${p} should be rejected`);
  assert.ok(r.reason.length > 20, 'every rejection explains itself');
  return r.code;
}

describe('Sentry-style path normalisation', () => {
  test('strips schemes, relative markers, drive letters and leading slashes', () => {
    assert.equal(segs('app:///src/lib/parse.js'), 'src/lib/parse.js');
    assert.equal(segs('webpack://shop/src/lib/parse.js'), 'src/lib/parse.js');
    assert.equal(segs('webpack:///./src/App.vue?vue&type=script&lang=ts'), 'src/App.vue');
    assert.equal(segs('webpack:////usr/src/app/node_modules/x/index.js'), 'usr/src/app/node_modules/x/index.js');
    assert.equal(segs('webpack-internal:///./src/a.ts'), 'src/a.ts');
    assert.equal(segs('./src/a.ts'), 'src/a.ts');
    assert.equal(segs('../../lib/b.ts'), 'lib/b.ts');
    assert.equal(segs('~/src/c.ts'), 'src/c.ts');
    assert.equal(segs('/srv/app/src/d.ts'), 'srv/app/src/d.ts');
    assert.equal(segs('src/x/../y/e.ts'), 'src/y/e.ts');
    assert.equal(segs('file:///home/me/app/f.mjs'), 'home/me/app/f.mjs');
  });

  test('Windows paths: backslashes, drive letters, case-insensitive matching', () => {
    const r = normalizeFramePath('C:\\build\\Shop\\Src\\Cart.cs');
    assert.ok(r.ok);
    assert.equal(r.path.segments.join('/'), 'build/Shop/Src/Cart.cs');
    assert.equal(r.path.ignoreCase, true);
    assert.equal(r.path.raw, 'C:/build/Shop/Src/Cart.cs');
    assert.equal(segs('file:///C:/app/x.js'), 'app/x.js');
  });

  test('a POSIX absolute path is kept as a candidate local file', () => {
    const r = normalizeFramePath('/home/me/app/src/a.ts');
    assert.ok(r.ok);
    assert.equal(r.path.absolute, '/home/me/app/src/a.ts');
    const w = normalizeFramePath('webpack:///src/a.ts');
    assert.ok(w.ok);
    assert.equal(w.path.absolute, undefined, 'a webpack path is not a local path');
  });

  test('rejects what can never be a workspace file, each with its own code', () => {
    assert.equal(code('<anonymous>'), 'not-a-file');
    assert.equal(code('<frozen importlib._bootstrap>'), 'not-a-file');
    assert.equal(code('<string>'), 'not-a-file');
    assert.equal(code('[native code]'), 'native');
    assert.equal(code('native'), 'native');
    assert.equal(code('node:internal/process/task_queues'), 'runtime');
    assert.equal(code('node:events'), 'runtime');
    assert.equal(code('internal/modules/cjs/loader.js'), 'runtime');
    assert.equal(code('https://cdn.example.com/static/app.min.js'), 'url');
    assert.equal(code('http://localhost:5000/dist/bundle.min.js'), 'url');
    assert.equal(code('blob:https://x/1234'), 'url');
    assert.equal(code(''), 'no-path');
    assert.equal(code('app:///'), 'no-path');
    assert.equal(code('/srv/app/'), 'no-path');
  });

  test('a URL rejection says how to fix it', () => {
    const r = normalizeFramePath('https://cdn.example.com/app.js');
    assert.ok(!r.ok);
    assert.match(r.reason, /source maps/);
    assert.match(r.reason, /path mapping/);
  });
});

describe('deploy folders (Ruby/PHP)', () => {
  test('Capistrano / Deployer / Envoyer release folders and current/', () => {
    assert.deepEqual(stripDeployRoot('/var/www/app/releases/20240101120000/app/models/x.rb'), [
      'app',
      'models',
      'x.rb',
    ]);
    assert.deepEqual(stripDeployRoot('/home/forge/shop.example.com/releases/42/app/Http/Kernel.php'), [
      'app',
      'Http',
      'Kernel.php',
    ]);
    assert.deepEqual(stripDeployRoot('/srv/app/current/lib/tasks/x.rb'), ['lib', 'tasks', 'x.rb']);
    assert.equal(stripDeployRoot('/srv/app/lib/x.rb'), undefined);
    assert.equal(
      stripDeployRoot('/srv/app/releases/notes/x.rb'),
      undefined,
      'a release folder name starts with a digit',
    );
  });
});

describe('candidate paths per platform', () => {
  const norm = (p: string): NormalizedPath => {
    const r = normalizeFramePath(p);
    assert.ok(r.ok);
    return r.path;
  };
  const cands = (f: { filename?: string; absPath?: string; module?: string; platform?: string }) => {
    const paths = [f.absPath, f.filename].filter((x): x is string => !!x).map(norm);
    return candidatePaths(
      {
        filename: f.filename ?? null,
        absPath: f.absPath ?? null,
        module: f.module ?? null,
        platform: f.platform ?? null,
      },
      paths,
    ).map((c) => `${c.via}:${c.segments.join('/')}`);
  };

  test('Kotlin/Java/Scala: package from the module, inner classes dropped, before the bare file name', () => {
    assert.deepEqual(cands({ filename: 'Cart.kt', module: 'com.acme.shop.Cart$Line', platform: 'java' }), [
      'java-package:com/acme/shop/Cart.kt',
      'suffix:Cart.kt',
    ]);
    assert.deepEqual(cands({ filename: 'Checkout.scala', module: 'com.acme.Checkout$' }), [
      'java-package:com/acme/Checkout.scala',
      'suffix:Checkout.scala',
    ]);
    assert.deepEqual(
      cands({ filename: 'CartKt.java', module: 'CartKt', platform: 'java' }),
      ['suffix:CartKt.java'],
      'no package: only the file name',
    );
  });

  test('Python: the path first, the dotted module as fallback (module file or package __init__)', () => {
    assert.deepEqual(
      cands({
        absPath: '/usr/src/app/shop/cart.py',
        filename: 'shop/cart.py',
        module: 'shop.cart',
        platform: 'python',
      }),
      ['suffix:usr/src/app/shop/cart.py', 'suffix:shop/cart.py', 'python-module:shop/cart/__init__.py'],
    );
  });

  test('Go: the import path plus the file name, module-cache versions dropped', () => {
    assert.deepEqual(
      cands({
        absPath: '/home/ci/go/pkg/mod/github.com/acme/shop@v1.4.2/internal/cart/cart.go',
        module: 'github.com/acme/shop/internal/cart',
        platform: 'go',
      }),
      [
        'suffix:home/ci/go/pkg/mod/github.com/acme/shop/internal/cart/cart.go',
        'go-module:github.com/acme/shop/internal/cart/cart.go',
      ],
    );
  });

  test('Ruby: the release-relative path comes first', () => {
    assert.deepEqual(
      cands({
        absPath: '/var/www/app/releases/20240101/app/models/order.rb',
        filename: 'app/models/order.rb',
        platform: 'ruby',
      }),
      ['deploy-path:app/models/order.rb', 'suffix:var/www/app/releases/20240101/app/models/order.rb'],
    );
  });
});
