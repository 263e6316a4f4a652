//! Errors a borrower may read: plain Simplified Chinese, naming what to install or change.

use crate::layout::LayoutError;

/// Why a screenshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// No `tesseract` binary on PATH (or at `YUQI_TESSERACT`).
    #[error(
        "没有找到文字识别程序 Tesseract，无法读取截图。请先安装：apt-get install tesseract-ocr tesseract-ocr-chi-sim"
    )]
    TesseractMissing,
    /// Tesseract runs but has no simplified-Chinese data.
    #[error(
        "文字识别程序 Tesseract 缺少简体中文数据（chi_sim），无法读取中文截图。请先安装：apt-get install tesseract-ocr-chi-sim"
    )]
    ChineseDataMissing,
    /// The file could not be read.
    #[error("无法读取截图文件 {path}：{reason}")]
    Read { path: String, reason: String },
    /// Not a PNG or JPEG, or a damaged one.
    #[error("无法读取这张截图：图片已损坏，或不是 PNG、JPEG 图片：{0}")]
    Format(String),
    /// Larger than the bound we accept (a decoded image this large could exhaust memory).
    #[error("截图太大（{width}×{height} 像素，{bytes} 字节），最多 {max_pixels} 像素、{max_bytes} 字节，请裁小后再试")]
    TooLarge { width: u32, height: u32, bytes: u64, max_pixels: u64, max_bytes: u64 },
    /// Tesseract did not finish in time (it was stopped).
    #[error("文字识别超时（超过 {0} 秒），已停止。请把截图裁小后再试")]
    Timeout(u64),
    /// Tesseract failed or printed something we cannot read.
    #[error("文字识别程序运行失败：{0}")]
    Engine(String),
    /// The recognised words could not be laid out.
    #[error(transparent)]
    Layout(#[from] LayoutError),
}

impl OcrError {
    /// The reason in words for someone who cannot run commands or install programs (a borrower
    /// uploading from a phone): what went wrong, without commands, program or package names.
    /// The `Display` text, with the package to install, stays for the command line and logs,
    /// where the reader is the one who can install it.
    pub fn user_text(&self) -> String {
        match self {
            OcrError::TesseractMissing | OcrError::ChineseDataMissing => {
                "这台电脑上没有装识别截图文字的功能，截图里的文字读不出来".into()
            }
            OcrError::Read { .. } => "截图文件读不出来".into(),
            OcrError::Format(_) => "这张图片已损坏，或者不是手机截屏常用的图片格式".into(),
            OcrError::TooLarge { .. } => "截图太大，没有识别其中的文字".into(),
            OcrError::Timeout(_) => "识别这张截图的文字用时太长，已经停下".into(),
            OcrError::Engine(_) | OcrError::Layout(_) => "识别截图文字时出了错，没有读出文字".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_engine_or_data_names_the_apt_package_in_chinese() {
        let e = OcrError::TesseractMissing.to_string();
        assert!(
            e.contains("没有找到文字识别程序") && e.contains("apt-get install tesseract-ocr tesseract-ocr-chi-sim"),
            "{e}"
        );
        let e = OcrError::ChineseDataMissing.to_string();
        assert!(e.contains("简体中文") && e.contains("tesseract-ocr-chi-sim"), "{e}");
        assert!(OcrError::Timeout(60).to_string().contains("60 秒"));
    }

    #[test]
    fn the_borrowers_text_names_no_command_or_program() {
        let errors = [
            OcrError::TesseractMissing,
            OcrError::ChineseDataMissing,
            OcrError::Read { path: "/tmp/x".into(), reason: "没有读权限".into() },
            OcrError::Format("bad png".into()),
            OcrError::TooLarge { width: 1, height: 1, bytes: 1, max_pixels: 1, max_bytes: 1 },
            OcrError::Timeout(60),
            OcrError::Engine("exit 1".into()),
        ];
        for e in &errors {
            let t = e.user_text();
            assert!(!t.is_empty() && !t.chars().any(|c| c.is_ascii_alphabetic()), "{e:?}: {t}");
        }
        assert!(OcrError::TesseractMissing.user_text().contains("这台电脑上没有装"));
    }
}
