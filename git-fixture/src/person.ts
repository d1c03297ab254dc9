// A person pushing to the same branch with plain git, as concurrency tests need: commit, push, rebase on rejection.
import { spawn } from 'node:child_process';

// Arguments arrive as positional parameters ($1 count, $2 folder), never spliced into the script text.
const PERSON_LOOP = `
set -e
i=1
while [ "$i" -le "$1" ]; do
  mkdir -p "$2"
  printf '%s\\n' "$i" > "$2/person-$i.txt"
  git add "$2/person-$i.txt"
  git commit -q -m "person $i"
  until git push -q origin HEAD:main 2>/dev/null; do
    git fetch -q origin
    git rebase -q origin/main
  done
  i=$((i + 1))
done
`;

/** How a person's pushing ended: git's exit code and what it printed on stderr. */
export interface PersonResult {
  exitCode: number | null;
  stderr: string;
}

/** Starts a plain-git loop in `clone` that makes `commits` commits of `<folder>/person-<i>.txt` and pushes each to main. */
export function startPersonPushing(clone: string, commits: number, folder = 'person'): Promise<PersonResult> {
  const person = spawn('sh', ['-c', PERSON_LOOP, 'person-loop', String(commits), folder], { cwd: clone, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  person.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => person.on('close', (exitCode) => resolve({ exitCode, stderr })));
}
