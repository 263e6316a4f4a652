//! One target for every importer: the first byte picks the format, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yuqi_evidence::fuzzing::{check, formats};

fuzz_target!(|data: &[u8]| {
    if let Some((&pick, rest)) = data.split_first() {
        let formats = formats();
        check(&formats[pick as usize % formats.len()], rest);
    }
});
