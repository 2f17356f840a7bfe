#!/usr/bin/env bash
# Creates migrations/src/<module>/m<date>_<nnnnnn>_<module>_<name>.rs from a template and prints
# the two lines to add to that folder's mod.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
module="$1"
name="$2"
case "$module$name" in
    *[!a-z0-9_]*) echo "module and name must be snake_case" >&2; exit 1 ;;
esac
folder="migrations/src/$module"
mkdir -p "$folder"
count="$(find "$folder" -name 'm*.rs' | wc -l)"
file="m$(date -u +%Y%m%d)_$(printf '%06d' $((count + 1)))_${module}_${name}"
cat > "$folder/$file.rs" <<RUST
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let _ = (manager, pk_uuid(Alias::new("id")));
        Err(DbErr::Migration("write this migration".to_owned()))
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let _ = manager;
        Err(DbErr::Migration("write this migration".to_owned()))
    }
}
RUST
echo "created $folder/$file.rs; add to $folder/mod.rs:"
echo "    mod $file;"
echo "    Box::new($file::Migration),"
