//! The gym-api binary: `gym-api --help` lists the commands.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: request handling is many small, short-lived
/// allocations (rows, views, JSON), which it serves with less CPU and less fragmentation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    palestra_server::cli::main(gym_api::product(), gym_api::modules())
}
