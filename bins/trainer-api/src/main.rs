//! The trainer-api binary: `trainer-api --help` lists the commands.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: request handling is many small, short-lived
/// allocations (rows, views, JSON), which it serves with less CPU and less fragmentation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    palestra_server::cli::main(trainer_api::product(), trainer_api::modules())
}
