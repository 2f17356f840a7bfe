# Every routine command of the workspace. `just --list` shows them.

# Postgres used by `test-postgres`, `migrate-postgres` and `bench` (trust auth on these machines).
postgres := env_var_or_default("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

default:
    @just --list

# Run gym-api on the embedded default: SQLite in ./data, no Redis, http://localhost:8000/docs
run:
    cargo run -p gym-api -- serve

# Run trainer-api on the embedded default: http://localhost:8001/docs
run-trainer:
    cargo run -p trainer-api -- serve

# The whole test suite on SQLite (what the README's test command runs)
test:
    cargo test --workspace

# The whole test suite on Postgres: one fresh schema per test, dropped afterwards
test-postgres:
    scripts/ensure-postgres.sh "{{postgres}}" palestra_test
    TEST_DATABASE_URL="{{postgres}}/palestra_test" cargo test --workspace

# Formatting, lints, OpenAPI drift, and every module feature building alone
check:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo test -p gym-api -p trainer-api --test openapi
    scripts/check-features.sh

# Rewrite openapi/*.json from the code
openapi:
    cargo run -q -p gym-api -- openapi --output openapi/gym-api.json
    cargo run -q -p trainer-api -- openapi --output openapi/trainer-api.json

# Apply migrations to both services' databases (DATABASE_URL, or the SQLite files in ./data)
migrate:
    cargo run -p gym-api -- migrate
    cargo run -p trainer-api -- migrate

# Fill both embedded databases with a demo gym and a demo trainer workspace
seed-demo:
    cargo run -p gym-api -- seed-demo
    cargo run -p trainer-api -- seed-demo

# Build release, seed the demo gym (200 members) and the demo trainer (40 clients, 12 weeks of appointments) on Postgres and measure under load (see docs/benchmarks.md)
bench:
    scripts/bench.sh "{{postgres}}"
    scripts/bench-trainer.sh "{{postgres}}"

# Start a new migration file: just new-migration schedule create_sessions
new-migration module name:
    scripts/new-migration.sh "{{module}}" "{{name}}"
