//! The gym-api binary: `gym-api --help` lists the commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    palestra_server::cli::main(gym_api::product(), gym_api::modules())
}
