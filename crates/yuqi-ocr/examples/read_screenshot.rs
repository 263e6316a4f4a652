//! Print the messages read off a screenshot: `cargo run -p yuqi-ocr --example read_screenshot -- shot.png`.
#![allow(clippy::print_stdout)]

fn main() {
    for arg in std::env::args().skip(1) {
        match yuqi_ocr::read_screenshot(std::path::Path::new(&arg)) {
            Ok(s) => {
                println!("{arg}: {}×{}, {}", s.width, s.height, s.engine_version);
                for m in s.messages {
                    println!("  {:?} {:?} {:.2} {:?}\n    {}", m.direction, m.time, m.confidence, m.rect, m.text);
                }
            }
            Err(e) => println!("{arg}: {e}"),
        }
    }
}
