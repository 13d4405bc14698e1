import { builtinModules } from 'node:module';

/** Longest name the npm registry accepts, scope included. */
const MAX_LENGTH = 214;

/** Names npm reserves for itself. */
const RESERVED = new Set(['node_modules', 'favicon.ico']);

/**
 * Why `name` cannot be the name of a new npm package, or an empty list when it
 * can. The rules are npm's (as documented for package.json `name` and
 * enforced for new packages): at most 214 characters, lower case, URL-safe,
 * not starting with `.` or `_`, none of `~'!()*`, not a Node.js core module
 * name, optionally under one `@scope/`.
 */
export function packageNameProblems(name: string): string[] {
  if (name.length === 0) return ['the name is empty'];
  const problems: string[] = [];
  if (name.trim() !== name) problems.push('it starts or ends with a space');
  if (name.length > MAX_LENGTH) problems.push(`it is longer than ${MAX_LENGTH} characters`);
  if (name.toLowerCase() !== name) problems.push('it contains capital letters');
  if (RESERVED.has(name)) problems.push(`"${name}" is reserved by npm`);
  if (builtinModules.includes(name) || builtinModules.includes(`node:${name}`)) {
    problems.push(`"${name}" is the name of a Node.js core module`);
  }

  let bare = name;
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    const scope = name.slice(1, slash);
    bare = name.slice(slash + 1);
    if (slash < 0 || scope.length === 0 || bare.length === 0 || bare.includes('/')) {
      return [...problems, 'a scoped name is written @scope/name (one slash, both parts non-empty)'];
    }
    problems.push(...partProblems(scope, 'the scope'));
  }
  problems.push(...partProblems(bare, 'it'));
  return problems;
}

/** The rules for each part of a name (the scope, the name after it). */
function partProblems(part: string, subject: string): string[] {
  const problems: string[] = [];
  if (part.startsWith('.') || part.startsWith('_')) problems.push(`${subject} starts with "${part[0]}"`);
  if (/[~'!()*]/.test(part)) problems.push(`${subject} contains one of ~'!()*`);
  else if (encodeURIComponent(part) !== part)
    problems.push(`${subject} contains characters that are not URL-safe (use a-z, 0-9, "-", "." or "_")`);
  return problems;
}

/**
 * A valid name close to `text` (e.g. a directory name such as "My UDFs"),
 * offered when `text` itself is not one; `undefined` when nothing usable is left.
 */
export function suggestPackageName(text: string): string | undefined {
  const suggestion = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_LENGTH);
  return suggestion.length > 0 && packageNameProblems(suggestion).length === 0 ? suggestion : undefined;
}
