//! Is this collection illegal? The conduct analyzer.
//!
//! Text-level codes come from lexicons and patterns in `data/lexicon.toml`
//! matched on normalised text (see [`normalize`]), with context rules so that
//! lawful wording is not flagged: negation ("不会上门"), reported speech ("他们说
//! 要让我坐牢"), genuine court notices (withheld for the user to confirm), and the
//! debtor's own outgoing messages. Log-level codes ([`log`]) look at timestamps and
//! counts across a conversation; case-level codes ([`case`]) use the ledger and
//! timeline results. Every hit carries the character span on the original text,
//! the rule that fired and its legal basis.
//!
//! Pure: no I/O, no clock.

pub mod case;
pub mod code;
pub mod eval;
pub mod lexicon;
pub mod log;
pub mod message;
pub mod normalize;
pub mod text;

use std::sync::OnceLock;

pub use code::Code;
pub use lexicon::LexiconError;
pub use message::Message;
pub use text::{Analysis, Hit, Scratch, Skipped};

/// The compiled lexicons. Build once ([`Analyzer::shared`]) and reuse.
#[derive(Debug)]
pub struct Analyzer {
    lexicon: lexicon::Lexicon,
}

const LEXICON: &str = include_str!("../data/lexicon.toml");

impl Analyzer {
    /// Compiles the embedded lexicon.
    pub fn new() -> Result<Analyzer, LexiconError> {
        Ok(Analyzer { lexicon: lexicon::load(LEXICON)? })
    }

    /// Compiles a lexicon from other text (tests, experiments).
    pub fn from_lexicon(src: &str) -> Result<Analyzer, LexiconError> {
        Ok(Analyzer { lexicon: lexicon::load(src)? })
    }

    /// The embedded lexicon, compiled on first use.
    pub fn shared() -> &'static Analyzer {
        static SHARED: OnceLock<Analyzer> = OnceLock::new();
        SHARED.get_or_init(|| Analyzer::new().unwrap_or_else(|e| panic!("the shipped lexicon does not compile: {e}")))
    }

    /// Text-level analysis of one message.
    pub fn analyze(&self, msg: &Message<'_>, scratch: &mut Scratch) -> Analysis {
        text::analyze(&self.lexicon, &msg.text, msg.from.as_deref(), msg.to.as_deref(), scratch)
    }

    /// Text-level analysis of bare text.
    pub fn analyze_text(&self, text: &str, scratch: &mut Scratch) -> Analysis {
        text::analyze(&self.lexicon, text, None, None, scratch)
    }

    /// Log-level hits for each message of a conversation, in input order.
    pub fn analyze_log(&self, messages: &[Message<'_>]) -> Vec<Vec<Hit>> {
        log::analyze(&self.lexicon, messages)
    }

    /// Is `from` one of the names the debtor's own messages carry (`self`, `我`…)?
    pub fn is_self_sender(&self, from: &str) -> bool {
        self.lexicon.self_senders.iter().any(|s| s == from)
    }

    pub fn rule_count(&self) -> usize {
        self.lexicon.rules.len()
    }
}
