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
}
