// Bundles the Electron main process and the preload script with esbuild.
//
//   dist/main/electron-entry.cjs   main process, CommonJS for Node, native modules left external
//   dist/preload/preload.cjs       preload, one self-contained CommonJS file
//
// Sandboxed preloads cannot load modules from disk: their `require` resolves only `electron` and
// a few built-ins, so the preload bundle must import nothing else.

import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import esbuild from 'esbuild';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputRoot = path.join(projectRoot, 'dist');

/**
 * Packages that load compiled add-ons at run time. esbuild cannot bundle them, so they are
 * loaded from node_modules, which electron-builder ships and rebuilds for Electron.
 */
const nativeModules = ['better-sqlite3', '@node-rs/argon2', 'pkcs11js'];

/**
 * Makes `import.meta.url` in the project's own modules point where the module's source file
 * would sit in the app folder (dist/main/../../service/x.ts). Modules that read files next to
 * their source, such as resources/common-passwords.txt or package.json, then find them in the
 * bundled app as they do when run from source.
 */
const sourceLocationPlugin = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };

      const relativePath = path.relative(projectRoot, args.path).split(path.sep).join('/');
      const sourcePath = `require("node:path").join(__dirname, "..", "..", ${JSON.stringify(relativePath)})`;
      const contents = source
        .replaceAll('import.meta.url', `require("node:url").pathToFileURL(${sourcePath}).href`)
        .replaceAll('import.meta.filename', sourcePath)
        .replaceAll('import.meta.dirname', `require("node:path").dirname(${sourcePath})`);
      return { contents, loader: 'ts' };
    });
  },
};

/** Fails the build when a bundled package ships a native add-on, which only works when external. */
function checkNoNativeCodeBundled(metafile) {
  const packageDirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packageDirs.add(match[1]);
  }
  const nativePackages = [...packageDirs].filter((dir) => existsSync(path.join(projectRoot, dir, 'binding.gyp')));
  if (nativePackages.length > 0) {
    throw new Error(`The main bundle contains packages with native code: ${nativePackages.join(', ')}. Add them to nativeModules in scripts/build-desktop.js.`);
  }
}

/** Fails the build when the preload imports anything but electron, which a sandboxed preload cannot load. */
function checkPreloadImports(metafile) {
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external));
  const forbidden = imports.map((entry) => entry.path).filter((importPath) => importPath !== 'electron');
  if (forbidden.length > 0) {
    throw new Error(`The preload bundle imports ${forbidden.join(', ')}; a sandboxed preload can import only electron.`);
  }
}

async function buildMain() {
  const result = await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: ['main/electron-entry.ts'],
    outfile: 'dist/main/electron-entry.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 40 already embeds Node 24.11 and Chromium 144 (electronjs.org/blog/electron-40-0),
    // so node22 and chrome130 output runs in Electron 41.
    target: 'node22',
    external: ['electron', ...nativeModules],
    plugins: [sourceLocationPlugin],
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  checkNoNativeCodeBundled(result.metafile);
}

async function buildPreload() {
  const result = await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/preload.cjs',
    bundle: true,
    // The browser platform makes any Node built-in import fail the build.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    minify: true,
    external: ['electron'],
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  checkPreloadImports(result.metafile);
}

await rm(path.join(outputRoot, 'main'), { recursive: true, force: true });
await rm(path.join(outputRoot, 'preload'), { recursive: true, force: true });
await Promise.all([buildMain(), buildPreload()]);
console.log('Built dist/main/electron-entry.cjs and dist/preload/preload.cjs.');
