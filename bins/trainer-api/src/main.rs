//! The trainer-api binary: `trainer-api --help` lists the commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    palestra_server::cli::main(trainer_api::product(), trainer_api::modules())
}
