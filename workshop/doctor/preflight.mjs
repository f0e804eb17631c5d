// Plain JavaScript on purpose: these two checks must run before `npm install`, when tsx and
// every other dependency may still be missing, and on a Node too old for the rest.
import fs from 'node:fs';
import path from 'node:path';

/** ">=20.19" → true for 20.19.0 and newer. Only the ">=" form the workshop uses is understood. */
export function satisfiesMinimum(version, range) {
  const wanted = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!wanted) return true;
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const need = Number(wanted[i + 1] ?? 0);
    if ((have[i] ?? 0) !== need) return (have[i] ?? 0) > need;
  }
  return true;
}

/** One line of the doctor's report. `fix` is shown under every ❌. */
export function line(ok, text, fix) {
  return ok === true
    ? `✅ ${text}`
    : ok === 'optional'
      ? `➖ ${text}${fix ? `\n   to use it: ${fix}` : ''}`
      : `❌ ${text}\n   fix: ${fix}`;
}

export function nodeLine(version, range) {
  const ok = satisfiesMinimum(version, range);
  return {
    ok,
    text: line(
      ok,
      `Node.js ${version} (the workshop needs ${range})`,
      `install Node.js 20.19 or newer from https://nodejs.org, then open a new terminal`,
    ),
  };
}

/** Every dependency of package.json is in node_modules. */
export function installLine(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const wanted = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const missing = wanted.filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));
  const ok = missing.length === 0;
  const text = ok
    ? `npm install is done (${wanted.length} packages)`
    : `npm install is not done: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} missing`;
  return { ok, text: line(ok, text, 'run npm install in the workshop folder') };
}
