//! Engine failures that are not the input's are explained in Chinese with what to do, and the
//! engine's own (English) text is kept on the last line only, labelled as a technical detail.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use yuqi_batch::BatchError;
use yuqi_batch::cluster::{MemoryBudget, local_context, local_context_with, remote_context};
use yuqi_batch::engine_error::{DETAIL_LABEL, EngineTrouble, classify, stray_english};
use yuqi_batch::generate::GenOptions;
use yuqi_batch::input::InputFormat;
use yuqi_batch::scan::{ScanOptions, scan};

/// The lines of an engine error's message: the explanation and what to do in Chinese (option
/// names, paths and a few proper names aside), the engine's text last.
fn explained(message: &str) -> Vec<&str> {
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert!(lines[1].starts_with("怎么办："), "{message}");
    assert!(lines[2].starts_with(DETAIL_LABEL), "{message}");
    for line in &lines[..2] {
        assert!(stray_english(line).is_empty(), "English {:?} in: {line}", stray_english(line));
    }
    lines
}

fn log(dir: &Path, messages: u64) -> std::path::PathBuf {
    let input = dir.join("log.parquet");
    yuqi_batch::generate::write(GenOptions { messages, seed: 3, per_debtor: 60 }, &input, InputFormat::Parquet)
        .unwrap();
    input
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_budget_too_small_names_the_option_and_a_larger_value() {
    let tmp = tempfile::tempdir().unwrap();
    let input = log(tmp.path(), 3_000);
    // 64 KiB for two partitions: no batch of analysed messages fits, spilled or not, whatever
    // the order the partitions run in.
    let limit = 64 * 1024;
    let budget = MemoryBudget { limit, spill_dir: tmp.path().join("out.spill") };
    let ctx = local_context_with(Some(2), Some(&budget)).unwrap();
    let out = tmp.path().join("out");
    let err = scan(&ctx, &ScanOptions::new(&input, &out, "test")).await.unwrap_err();
    assert!(!out.exists() && !tmp.path().join("out.part").exists());
    let BatchError::Engine(engine) = &err else { panic!("not an engine error: {err}") };
    assert_eq!(classify(engine), EngineTrouble::MemoryBudget, "{err}");
    // Without the budget (a library caller): the default and a value above it.
    let message = err.to_string();
    let lines = explained(&message);
    assert!(lines[0].starts_with("查询引擎的内存预算不够用。"), "{message}");
    assert!(lines[1].contains("--memory-limit 4G（不写时默认 2G）"), "{message}");
    assert!(lines[2].contains("Resources exhausted"), "the engine's text, last: {message}");

    // With it, as `yuqi-batch scan` gives it: this budget named, the smallest the option takes
    // suggested.
    let err = err.with_memory_limit(Some(limit));
    assert!(matches!(err, BatchError::OutOfMemory { limit: 65_536, .. }), "{err}");
    let message = err.to_string();
    let lines = explained(&message);
    assert!(lines[0].starts_with("查询引擎的内存预算不够用（这次的预算是 64K）"), "{message}");
    assert!(lines[0].contains("输入文件没有问题"), "{message}");
    assert!(lines[1].contains("加上 --memory-limit 128M"), "{message}");
    assert!(lines[1].contains("--partitions"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spill_directory_that_cannot_be_made_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    // The spill directory's parent is a regular file (root may write anywhere; a file cannot
    // hold a directory for anyone).
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let budget = MemoryBudget { limit: 256 << 20, spill_dir: file.join("out.spill") };
    let Err(err) = local_context_with(Some(2), Some(&budget)) else { panic!("a spill directory under a file") };
    let BatchError::Engine(engine) = &err else { panic!("not an engine error: {err}") };
    assert_eq!(classify(engine), EngineTrouble::Disk(std::io::ErrorKind::NotADirectory));
    let message = err.to_string();
    let lines = explained(&message);
    assert!(lines[0].starts_with("无法写入磁盘：路径中的某一级不是目录。"), "{message}");
    assert!(lines[0].contains("输出目录名.spill"), "{message}");
    assert!(lines[1].starts_with("怎么办：检查 --output 给的路径"), "{message}");
    assert!(lines[2].contains("os error 20"), "{message}");

    // An output directory under a regular file is refused before the engine starts, in Chinese
    // and naming the file (the same check as the command line's, whatever the budget).
    let ctx = local_context(Some(2)).unwrap();
    let input = log(tmp.path(), 10);
    let err = scan(&ctx, &ScanOptions::new(&input, file.join("out"), "test")).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, BatchError::OutputUnderFile { .. }), "{message}");
    assert!(message.contains(&format!("{} 是一个文件，不是目录", file.display())), "{message}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a directory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spill_directory_removed_during_the_run_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let input = log(tmp.path(), 20_000);
    // Small enough that the sort spills, large enough that it can: one partition.
    let spill = tmp.path().join("out.spill");
    let budget = MemoryBudget { limit: 8 << 20, spill_dir: spill.clone() };
    let ctx = local_context_with(Some(1), Some(&budget)).unwrap();
    // The engine made its directory inside; replace the whole spill directory by a file.
    std::fs::remove_dir_all(&spill).unwrap();
    std::fs::write(&spill, "not a directory").unwrap();
    let err = scan(&ctx, &ScanOptions::new(&input, tmp.path().join("out"), "test")).await.unwrap_err();
    let message = err.to_string();
    let BatchError::Engine(engine) = &err else { panic!("not an engine error: {message}") };
    assert!(matches!(classify(engine), EngineTrouble::Disk(_)), "{message}");
    let lines = explained(&message);
    assert!(lines[0].contains("输出目录名.spill"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_that_cannot_be_reached_is_said_so() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("log.csv");
    std::fs::write(&input, "id,debtor,text\n1,A,提醒还款\n").unwrap();
    // Port 1: nothing listens there, the connection is refused at once.
    let ctx = remote_context("df://127.0.0.1:1", Some(2)).await.unwrap();
    let err = scan(&ctx, &ScanOptions::new(&input, tmp.path().join("out"), "test")).await.unwrap_err();
    let message = err.to_string();
    let BatchError::Engine(engine) = &err else { panic!("not an engine error: {message}") };
    assert_eq!(classify(engine), EngineTrouble::ClusterUnreachable, "{message}");
    let lines = explained(&message);
    assert!(lines[0].starts_with("连不上 Ballista 集群"), "{message}");
    assert!(lines[1].contains("--cluster"), "{message}");
}
