//! Properties of the pure parts, on any input: the layout never panics, keeps every message
//! inside the image with a confidence in 0–1 and text it was given, and refuses words outside
//! the image; the TSV reader never panics on any text; binarisation keeps the image's size
//! and answers only black or white.

use proptest::prelude::*;
use yuqi_ocr::layout::{Rect, Word, messages};
use yuqi_ocr::{LayoutError, prep, tesseract};

const TEXTS: &[&str] = &[
    "再不还钱",
    "昨天 21:14",
    "11月20日 下午9:14",
    "2026/11/20 21:14",
    "呼入",
    "好的",
    "12:05",
    "星期三",
    "",
    "@",
    "今天",
];

fn word(w: u32, h: u32) -> impl Strategy<Value = Word> {
    (0..w, 0..h, 1u32..400, 1u32..120, 0usize..TEXTS.len(), 0.0f32..100.0, 0u32..3, 0u32..3, 0u32..40).prop_map(
        move |(x, y, ww, hh, t, confidence, b, p, l)| Word {
            text: TEXTS[t].to_string(),
            rect: Rect { x, y, width: ww.min(w - x), height: hh.min(h - y) },
            confidence,
            line: (b, p, l),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn layout_keeps_messages_inside_the_image(
        words in prop::collection::vec(word(1080, 2400), 0..60),
    ) {
        let found = messages(&words, 1080, 2400).expect("words inside the image are laid out");
        for m in &found {
            prop_assert!(m.rect.right() <= 1080 && m.rect.bottom() <= 2400, "{:?}", m.rect);
            prop_assert!((0.0..=1.0).contains(&m.confidence), "{}", m.confidence);
            prop_assert!(!m.text.trim().is_empty());
        }
        prop_assert!(found.len() <= words.len());
    }

    #[test]
    fn a_word_outside_the_image_is_refused(mut words in prop::collection::vec(word(1080, 2400), 1..10), dx in 1u32..50) {
        words[0].rect.x = 1080 - words[0].rect.width.min(1079) + dx;
        let refused = matches!(messages(&words, 1080, 2400), Err(LayoutError::WordOutside { .. }));
        prop_assert!(refused);
    }

    #[test]
    fn the_tsv_reader_never_panics(text in "[0-9a-z\t\n\\-. 再还钱]{0,400}") {
        let _ = tesseract::parse_tsv(&text);
    }

    #[test]
    fn binarisation_keeps_the_size_and_answers_black_or_white(
        (w, h, pixels) in (1u32..40, 1u32..40).prop_flat_map(|(w, h)| {
            (Just(w), Just(h), prop::collection::vec(any::<u8>(), (w * h * 3) as usize))
        }),
    ) {
        let gray = prep::binarize(&pixels, w, h);
        prop_assert_eq!(gray.len(), (w * h) as usize);
        prop_assert!(gray.iter().all(|&g| g == 0 || g == 255));
    }
}
