// Changes an upgrade cannot make by merging text: each says what it keeps, what it writes and what the person
// must do. Known: PostgreSQL 18's image keeps its data in a new place (/var/lib/postgresql/18/docker, volume at
// /var/lib/postgresql); pointing a 17 volume there would start an empty database, so a project made with 17
// keeps 17 unless the person asks for the move, which is a dump and a restore.
import type { Answers } from '../answers/options.js';
import type { RenderedFile } from '../render/render.js';
import { compareVersions } from './versions.js';

export interface Migration {
  /** Lines the project keeps (recorded in .yo-rc.json). */
  hold: Record<string, string>;
  /** What the person is told (and must do). */
  notes: string[];
  /** Files the migration adds (its documented steps). */
  files: RenderedFile[];
}

/** The first version whose PostgreSQL is 18 (with the new data layout). */
const POSTGRES_18_SINCE = '0.2.0';

export function migrationsFor(from: string, a: Answers, hold: Record<string, string>, options: { migratePostgres: boolean }): Migration {
  const out: Migration = { hold: { ...hold }, notes: [], files: [] };
  const on17 = a.database === 'postgres' && (hold.postgres === '17' || (hold.postgres === undefined && compareVersions(from, POSTGRES_18_SINCE) < 0));
  if (a.database !== 'postgres' && options.migratePostgres) out.notes.push('--migrate-postgres: this project has no PostgreSQL; nothing to migrate.');
  if (!on17) return out;
  if (!options.migratePostgres) {
    out.hold.postgres = '17';
    out.notes.push(
      'PostgreSQL stays at 17: version 18 keeps its data in a new place in the volume, and starting it on your 17 volume ' +
        'would not find your data. When you are ready, run `pydocker upgrade --migrate-postgres`: it moves the project to 18 ' +
        'and writes the dump-and-restore steps to docs/postgres-17-to-18.md.',
    );
    return out;
  }
  delete out.hold.postgres;
  out.files.push({ path: 'docs/postgres-17-to-18.md', content: POSTGRES_STEPS(a.name) });
  out.notes.push(
    'PostgreSQL moves to 18. Before the next `docker compose up`, follow docs/postgres-17-to-18.md (dump with 17, restore into 18), in development and in production.',
  );
  return out;
}

const POSTGRES_STEPS = (name: string) => `# Moving ${name}'s database from PostgreSQL 17 to 18

\`pydocker upgrade --migrate-postgres\` changed the compose files to PostgreSQL 18, whose image keeps its data
under \`/var/lib/postgresql/18/docker\` (the volume is mounted at \`/var/lib/postgresql\`). The existing volume
holds 17's data files, which 18 cannot use: the data moves by a dump and a restore. Do this in development
first, then in production (add \`--prod\` to the scripts and \`-f compose.prod.yaml --env-file .env.prod\` to
\`docker compose\`).

1. While the old \`db\` container (17) still runs, take a dump with the project's backup script and check it:

   \`\`\`sh
   scripts/backup.sh                      # writes backups/<name>-postgres-<time>.dump.gz
   ls -l backups/
   \`\`\`

2. Stop the stack and remove the 17 volume (this deletes the old data files: keep the dump safe first):

   \`\`\`sh
   docker compose down
   docker volume rm "$(docker compose config --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')_postgres-data"
   \`\`\`

3. Start PostgreSQL 18 on a new, empty volume, and restore the dump into it:

   \`\`\`sh
   docker compose up -d --wait db
   scripts/restore.sh backups/<the file from step 1>
   \`\`\`

4. Start everything and check readiness (\`curl -fsS http://127.0.0.1:<port>/health/ready\`). Keep the dump
   until the new database has run for a while.

If anything goes wrong before step 2, \`git checkout\` the previous compose files brings 17 back with its
volume untouched.
`;
