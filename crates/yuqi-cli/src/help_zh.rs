//! The command line's help and usage errors in Chinese.
//!
//! clap writes its own parts of the help ("Usage:", "Options:", "Print help", "[default: …]")
//! and its error messages in English. [`localise`] rewrites every command of the tree so that
//! the help has only Chinese words besides command names, flags and file names, and
//! [`parse`] turns clap's errors into Chinese messages (exit code 2, as clap's own).

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::builder::{PossibleValue, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";
const COMMANDS: &str = "命令";
const COMMAND_VALUE: &str = "命令";

/// Parses the command line with the Chinese help; prints help, version or a Chinese usage
/// error and exits as clap would (0 for help and version, 2 for a usage error).
pub(crate) fn parse<T: clap::FromArgMatches>(cmd: Command) -> T {
    parse_from(cmd, std::env::args_os())
}

fn parse_from<T: clap::FromArgMatches>(cmd: Command, args: impl IntoIterator<Item = OsString>) -> T {
    let args: Vec<OsString> = args.into_iter().collect();
    let mut cmd = localise(cmd);
    let result = cmd.try_get_matches_from_mut(&args).and_then(|m| {
        if let Some(("help", sub)) = m.subcommand() {
            let path: Vec<&String> = sub.get_many::<String>("command").map(Iterator::collect).unwrap_or_default();
            help_for(&mut cmd, &path);
        }
        T::from_arg_matches(&m)
    });
    match result {
        Ok(v) => v,
        Err(e) => exit_with(&cmd, &args, &e),
    }
}

/// `yuqi help [command…]`: the help of the named (sub)command.
fn help_for(cmd: &mut Command, path: &[&String]) -> ! {
    let mut target = cmd;
    for name in path {
        match target.find_subcommand_mut(name.as_str()) {
            Some(sub) => target = sub,
            None => {
                eprintln!("错误：没有名为 {name} 的命令\n\n查看所有命令：yuqi --help");
                std::process::exit(2);
            }
        }
    }
    let _ = target.print_help();
    std::process::exit(0);
}

/// Rewrites `cmd` and all its subcommands for Chinese help.
pub(crate) fn localise(cmd: Command) -> Command {
    let top_version = cmd.get_version().is_some();
    let mut cmd = localise_one(cmd, top_version, String::new());
    // `yuqi help <命令>`, replacing clap's English one.
    cmd = cmd.disable_help_subcommand(true).subcommand(
        Command::new("help")
            .about("显示某个命令的帮助，如 yuqi help audit")
            .arg(Arg::new("command").value_name("命令").num_args(0..).help("命令名（可以是两级，如 evidence import）"))
            .help_template(TEMPLATE)
            .override_usage("yuqi help [命令]...")
            .disable_help_flag(true)
            .mut_arg("command", |a| a.help_heading(ARGUMENTS)),
    );
    cmd
}

fn localise_one(mut cmd: Command, with_version: bool, parent: String) -> Command {
    let path = if parent.is_empty() { cmd.get_name().to_string() } else { format!("{parent} {}", cmd.get_name()) };
    let had_help_flag = !cmd.is_disable_help_flag_set();
    cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name(COMMAND_VALUE)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true);
    let ids: Vec<_> = cmd.get_arguments().map(|a| (a.get_id().clone(), a.is_positional())).collect();
    let mut position = 0;
    for (id, positional) in ids {
        cmd = cmd.mut_arg(id.clone(), localise_arg);
        // Under a custom heading clap sorts by display order then name; keep positionals in
        // the order they are typed.
        if positional {
            let order = position;
            position += 1;
            cmd = cmd.mut_arg(id, |a| a.display_order(order));
        }
    }
    if had_help_flag {
        cmd = cmd.arg(
            Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助").help_heading(OPTIONS),
        );
    }
    if with_version {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号")
                .help_heading(OPTIONS),
        );
    }
    let usage = usage_of(&cmd, &path);
    cmd = cmd.override_usage(usage);
    let sub_path = path.clone();
    cmd.mut_subcommands(move |sub| localise_one(sub, false, sub_path.clone()))
}

/// Chinese value names, defaults, possible values and environment variables, and the
/// argument's place under the Chinese heading.
fn localise_arg(mut arg: Arg) -> Arg {
    let heading = if arg.is_positional() { ARGUMENTS } else { OPTIONS };
    let names: Option<Vec<String>> =
        arg.get_value_names().map(|v| v.iter().map(|n| value_name_zh(n.as_str(), arg.get_id().as_str())).collect());
    // Flags (`--json`) take no value; their defaults ("false") and possible values are clap's.
    let takes_value = arg.get_action().takes_values();
    if takes_value {
        let names = names.unwrap_or_else(|| vec![value_name_zh("", arg.get_id().as_str())]);
        arg = arg.value_names(names);
    }
    let mut extra = Vec::new();
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).filter(|v| !v.is_empty()).collect();
    let said = arg.get_help().map(ToString::to_string).unwrap_or_default();
    // Several help texts already state their default in words.
    if takes_value && !defaults.is_empty() && !arg.is_hide_default_value_set() && !said.contains("默认") {
        extra.push(format!("默认：{}", defaults.join("、")));
    }
    let possible: Vec<PossibleValue> = arg.get_possible_values().into_iter().filter(|p| !p.is_hide_set()).collect();
    if takes_value && !possible.is_empty() && !arg.is_hide_possible_values_set() {
        extra.push(format!("可选：{}", possible.iter().map(PossibleValue::get_name).collect::<Vec<_>>().join("、")));
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        extra.push(format!("也可用环境变量 {}", env.to_string_lossy()));
    }
    if !extra.is_empty() {
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        arg = arg.help(format!("{help}（{}）", extra.join("；")));
    }
    // clap only accepts the hide settings on arguments that take a value.
    if takes_value {
        arg = arg.hide_default_value(true).hide_possible_values(true);
    }
    if arg.get_env().is_some() {
        arg = arg.hide_env(true);
    }
    arg.help_heading(heading)
}

/// A value name in Chinese, keeping a file extension (`CASE.toml` → `案例文件.toml`).
fn value_name_zh(name: &str, id: &str) -> String {
    if !name.is_empty() && !name.is_ascii() {
        return name.to_string();
    }
    let (stem, ext) = match name.split_once('.') {
        Some((s, e)) => (s, Some(e)),
        None => (name, None),
    };
    let zh = match stem.to_ascii_uppercase().as_str() {
        "FILE" => "文件",
        "DIR" => "目录",
        "CASE" => "案例文件",
        "LABELED" => "标注数据",
        "URL" => "数据库地址",
        "HOST" => "主机名",
        "HASH" => "哈希值",
        "ID" => "标识",
        "F1" => "数值",
        _ => by_id(id),
    };
    match ext {
        Some(e) => format!("{zh}.{e}"),
        None => zh.to_string(),
    }
}

/// A value name from the argument's id, for arguments without an explicit one.
fn by_id(id: &str) -> &'static str {
    let id = id.to_ascii_lowercase().replace('-', "_");
    let exact = match id.as_str() {
        "on_bad" => Some("处理方式"),
        "zone" => Some("时区"),
        "start" => Some("日期"),
        "sender" => Some("号码"),
        "payment" => Some("金额"),
        "columns" => Some("列映射"),
        "code" => Some("代码"),
        "files" | "package" | "backup" => Some("文件"),
        "document" => Some("法律名称"),
        "articles" => Some("条文编号"),
        _ => None,
    };
    if let Some(zh) = exact {
        return zh;
    }
    let has = |w: &str| id.split('_').any(|p| p == w);
    if has("date") || has("of") || has("since") || has("until") || has("on") || has("from") {
        "日期"
    } else if has("case") {
        "案例文件"
    } else if has("dir") || has("store") || has("out") && id.contains("dir") {
        "目录"
    } else if has("file") || has("input") || has("output") || has("out") || has("path") || has("paths") || has("svg") {
        "文件"
    } else if has("rate") || has("apr") {
        "利率"
    } else if has("principal") || has("amount") || has("received") || has("fee") || has("fees") {
        "金额"
    } else if has("periods") || has("limit") || has("n") || has("count") || has("months") {
        "数量"
    } else if has("period") {
        "周期"
    } else if has("method") {
        "方式"
    } else if has("bind") || has("addr") || has("listen") {
        "地址"
    } else if has("name") || has("title") || has("user") || has("username") || has("me") {
        "名称"
    } else if has("kind") || has("format") || has("letter") || has("mode") || has("on_duplicate") {
        "类型"
    } else if has("offset") || has("tz") || has("timezone") {
        "时区"
    } else if has("reason") || has("note") || has("text") {
        "文字"
    } else if has("password") || has("passphrase") {
        "口令"
    } else if has("args") {
        "参数"
    } else if has("doc") || has("article") || has("law") {
        "法规"
    } else if has("id") || has("debt") {
        "标识"
    } else {
        "值"
    }
}

/// The usage line clap would write, with Chinese placeholders.
fn usage_of(cmd: &Command, path: &str) -> String {
    let mut s = path.to_string();
    let has_options = cmd.get_arguments().any(|a| !a.is_positional() && !a.is_hide_set());
    if has_options {
        s.push_str(" [选项]");
    }
    for a in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let name = a
            .get_value_names()
            .and_then(|v| v.first().map(ToString::to_string))
            .unwrap_or_else(|| value_name_zh("", a.get_id().as_str()).to_string());
        let many = matches!(a.get_action(), ArgAction::Append) || a.get_num_args().is_some_and(|n| n.max_values() > 1);
        let dots = if many { "..." } else { "" };
        if a.is_required_set() {
            let _ = write!(s, " <{name}>{dots}");
        } else {
            let _ = write!(s, " [{name}]{dots}");
        }
    }
    if cmd.has_subcommands() {
        if cmd.is_subcommand_required_set() {
            let _ = write!(s, " <{COMMAND_VALUE}>");
        } else {
            let _ = write!(s, " [{COMMAND_VALUE}]");
        }
    }
    s
}

/// Prints clap's error `e` in Chinese (or the help and version clap reports as "errors") and
/// exits.
fn exit_with(cmd: &Command, args: &[OsString], e: &clap::Error) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            std::process::exit(2);
        }
        _ => {}
    }
    let (target, path) = subcommand_of(cmd, args);
    let usage = usage_of(target, &path);
    eprintln!("错误：{}\n\n用法：{usage}\n\n查看帮助：{path} --help", message_zh(e));
    std::process::exit(2);
}

/// The deepest subcommand named on the command line, for its usage line.
fn subcommand_of<'a>(cmd: &'a Command, args: &[OsString]) -> (&'a Command, String) {
    let mut target = cmd;
    let mut path = cmd.get_name().to_string();
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { break };
        if a.starts_with('-') {
            continue;
        }
        match target.find_subcommand(a) {
            Some(sub) => {
                target = sub;
                path = format!("{path} {}", sub.get_name());
            }
            None => break,
        }
    }
    (target, path)
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(StyledStr::to_string).collect::<Vec<_>>().join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// clap's error in Chinese. The parts clap fills in (argument names, values) are the user's
/// own words or our Chinese value names.
fn message_zh(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let suggested = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .map(|s| format!("（你是不是想用 {s}？）"))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 {arg}{suggested}"),
        ErrorKind::InvalidSubcommand => {
            let name = context(e, ContextKind::InvalidSubcommand).unwrap_or(arg);
            format!("没有名为 {name} 的命令{suggested}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue).map(|v| format!("；可选：{v}")).unwrap_or_default();
            if value.is_empty() {
                format!("参数 {arg} 需要一个值{valid}")
            } else {
                format!("参数 {arg} 的值“{value}”无效{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            // Our own value parsers explain in Chinese; clap's built-in ones (numbers) do not.
            let why = std::error::Error::source(e).map(ToString::to_string).filter(|s| !s.is_ascii());
            match why {
                Some(why) => format!("参数 {arg} 的值“{value}”无效：{why}"),
                None => format!("参数 {arg} 的值“{value}”无效"),
            }
        }
        ErrorKind::TooManyValues => format!("参数 {arg} 给出的值太多（多出的是“{value}”）"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("参数 {arg} 的值个数不对"),
        ErrorKind::ArgumentConflict => {
            let prior = context(e, ContextKind::PriorArg).unwrap_or_default();
            format!("参数 {arg} 不能与 {prior} 同时使用")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用等号给出，如 {arg}=值"),
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的文字（不是 UTF-8 编码）".to_string(),
        _ => "命令行参数有误".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names_keep_their_extension_and_become_chinese() {
        assert_eq!(value_name_zh("CASE.toml", "case"), "案例文件.toml");
        assert_eq!(value_name_zh("FILE", "svg"), "文件");
        assert_eq!(value_name_zh("AS_OF", "as_of"), "日期");
        assert_eq!(value_name_zh("已是中文", "x"), "已是中文");
    }
}
