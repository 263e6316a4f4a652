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
pub mod corpus;
pub mod eval;
pub mod lexicon;
pub mod log;
pub mod message;
pub mod model;
pub mod normalize;
pub mod text;

use std::sync::OnceLock;

pub use code::Code;
pub use lexicon::LexiconError;
pub use log::{LogRule, LogRules, LogState};
pub use message::Message;
pub use text::{Analysis, Hit, SURE, Scratch, Skipped};

/// The compiled lexicons. Build once ([`Analyzer::shared`]) and reuse.
#[derive(Debug)]
pub struct Analyzer {
    lexicon: lexicon::Lexicon,
    /// The n-gram model (`data/model.tsv`); `None` for the rules alone (training, comparisons).
    model: Option<model::Model>,
}

const LEXICON: &str = include_str!("../data/lexicon.toml");
const MODEL: &str = include_str!("../data/model.tsv");

/// Why the shipped data does not load (a programming error; tests load it).
#[derive(Debug)]
pub enum LoadError {
    Lexicon(LexiconError),
    Model(model::ModelError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Lexicon(e) => e.fmt(f),
            LoadError::Model(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {}

impl Analyzer {
    /// Compiles the embedded lexicon and loads the embedded model.
    pub fn new() -> Result<Analyzer, LoadError> {
        Ok(Analyzer {
            lexicon: lexicon::load(LEXICON).map_err(LoadError::Lexicon)?,
            model: Some(model::Model::parse(MODEL).map_err(LoadError::Model)?),
        })
    }

    /// A lexicon and a model from other text (experiments: `examples/conduct_model.rs`).
    pub fn from_sources(lexicon: &str, model: &str) -> Result<Analyzer, LoadError> {
        Ok(Analyzer {
            lexicon: lexicon::load(lexicon).map_err(LoadError::Lexicon)?,
            model: Some(model::Model::parse(model).map_err(LoadError::Model)?),
        })
    }

    /// The embedded rules without the model (what the model is trained beside and compared with).
    pub fn rules_only() -> Result<Analyzer, LexiconError> {
        Ok(Analyzer { lexicon: lexicon::load(LEXICON)?, model: None })
    }

    /// The embedded rules with another model (training and evaluation).
    pub fn with_model(model: model::Model) -> Result<Analyzer, LexiconError> {
        Ok(Analyzer { lexicon: lexicon::load(LEXICON)?, model: Some(model) })
    }

    /// Compiles a lexicon from other text (tests, experiments), without the model.
    pub fn from_lexicon(src: &str) -> Result<Analyzer, LexiconError> {
        Ok(Analyzer { lexicon: lexicon::load(src)?, model: None })
    }

    pub fn model(&self) -> Option<&model::Model> {
        self.model.as_ref()
    }

    /// Is `to` a recipient other than the debtor (a relative, an employer…)?
    pub fn is_third_party(&self, to: &str) -> bool {
        self.lexicon.third_party_recipients.iter().any(|r| r == to)
    }

    /// The embedded lexicon, compiled on first use.
    pub fn shared() -> &'static Analyzer {
        static SHARED: OnceLock<Analyzer> = OnceLock::new();
        SHARED.get_or_init(|| Analyzer::new().unwrap_or_else(|e| panic!("the shipped lexicon does not compile: {e}")))
    }

    /// Text-level analysis of one message.
    pub fn analyze(&self, msg: &Message<'_>, scratch: &mut Scratch) -> Analysis {
        text::analyze(&self.lexicon, self.model.as_ref(), &msg.text, msg.from.as_deref(), msg.to.as_deref(), scratch)
    }

    /// Text-level analysis of bare text.
    pub fn analyze_text(&self, text: &str, scratch: &mut Scratch) -> Analysis {
        text::analyze(&self.lexicon, self.model.as_ref(), text, None, None, scratch)
    }

    /// Log-level hits for each message of a conversation, in input order.
    pub fn analyze_log(&self, messages: &[Message<'_>]) -> Vec<Vec<Hit>> {
        log::analyze(&self.lexicon, messages)
    }

    /// The log analysis as a stream, for one debtor's contacts fed in time order
    /// (what `analyze_log` does over a whole conversation at once).
    pub fn log_state(&self) -> LogState<'_> {
        LogState::new(&self.lexicon)
    }

    /// Is `from` one of the names the debtor's own messages carry (`self`, `我`…)?
    pub fn is_self_sender(&self, from: &str) -> bool {
        self.lexicon.self_senders.iter().any(|s| s == from)
    }

    pub fn rule_count(&self) -> usize {
        self.lexicon.rules.len()
    }
}
