#!/usr/bin/env bash
# Regenerates the migrations from db/schema.ts for both engines. Run it after
# changing the schema; the custom 0001 trigger migrations are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
npx drizzle-kit generate --config db/drizzle.sqlite.config.ts
npx drizzle-kit generate --config db/drizzle.mysql.config.ts
