//! `yuqi serve`: the web app; `yuqi db backup|restore`; `yuqi user add`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::evidence_cmd::Usage;

#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// 监听地址（默认只在本机 127.0.0.1:8080；对外开放请放在 HTTPS 反向代理之后并用 --multi-user）
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// 数据库：sqlite://文件 或 postgres://…（默认：数据目录中的 yuqi.sqlite）
    #[arg(long, value_name = "URL", env = "YUQI_DB")]
    db: Option<String>,
    /// 多用户模式：需要登录，每个案件按用户授权（机构部署）
    #[arg(long)]
    multi_user: bool,
    /// 额外允许访问的域名（反向代理的域名，可重复）
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
    /// 证据库等文件的目录（默认：$YUQI_DATA_DIR，否则 ~/.local/share/yuqi）
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// 在 HTTPS 反向代理之后：登录凭据只通过 HTTPS 发送
    #[arg(long)]
    secure_cookies: bool,
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum DbCommand {
    /// 备份本机 SQLite 数据库到一个文件
    Backup {
        /// 备份写到哪个文件
        out: PathBuf,
        #[arg(long, value_name = "URL", env = "YUQI_DB")]
        db: Option<String>,
    },
    /// 从备份文件恢复本机 SQLite 数据库（先核对备份完整）
    Restore {
        /// 备份文件
        backup: PathBuf,
        /// 恢复到哪个数据库文件（默认：数据目录中的 yuqi.sqlite）
        #[arg(long, value_name = "FILE")]
        to: Option<PathBuf>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum UserCommand {
    /// 添加用户（密码从标准输入读取一行，或用环境变量 YUQI_NEW_PASSWORD）
    Add {
        /// 用户名
        name: String,
        #[arg(long, value_name = "URL", env = "YUQI_DB")]
        db: Option<String>,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("无法启动异步运行时")
}

async fn connect(url: Option<&str>) -> Result<yuqi_db::Db> {
    Ok(match url {
        Some(u) => yuqi_db::Db::connect(u).await?,
        None => yuqi_db::Db::open_default().await?,
    })
}

pub(crate) fn serve(a: &ServeArgs) -> Result<ExitCode> {
    if !a.addr.ip().is_loopback() && !a.multi_user {
        return Err(Usage(format!(
            "{} 不是本机地址：单用户模式没有登录，只能在本机使用。对外开放请加 --multi-user，并放在 HTTPS 反向代理之后",
            a.addr
        ))
        .into());
    }
    let rt = runtime()?;
    rt.block_on(async {
        let db = connect(a.db.as_deref()).await?;
        let data_dir = match &a.data_dir {
            Some(d) => d.clone(),
            None => yuqi_db::default_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir).with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
        let mut cfg = yuqi_web::Config::local(a.addr.port(), data_dir.clone());
        if a.multi_user {
            cfg.mode = yuqi_web::Mode::MultiUser;
        }
        if !a.addr.ip().is_loopback() {
            cfg.allowed_hosts.push(a.addr.to_string());
        }
        cfg.allowed_hosts.extend(a.allow_hosts.iter().cloned());
        cfg.secure_cookies = a.secure_cookies;
        if !a.multi_user {
            // First run: open on the bundled demo case, so there is something to look at.
            let u = db.ensure_local_user().await?;
            if db.list_cases(&u.id).await?.is_empty() {
                let title = yuqi_case::parse_case(crate::DEMO_CASE, "examples/demo.toml")
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .title;
                db.create_case(&u.id, &title, crate::DEMO_CASE, chrono::Utc::now().timestamp()).await?;
            }
        }
        let state = yuqi_web::AppState::new(db, cfg);
        let url = format!("http://{}/", a.addr);
        println!("yuqi 已启动：在浏览器中打开 {url}");
        println!("数据保存在 {}；按 Ctrl-C 停止。", data_dir.display());
        std::io::stdout().flush()?;
        yuqi_web::serve(state, a.addr).await?;
        Ok(ExitCode::SUCCESS)
    })
}

pub(crate) fn db(c: &DbCommand) -> Result<ExitCode> {
    let rt = runtime()?;
    match c {
        DbCommand::Backup { out, db } => rt.block_on(async {
            let d = connect(db.as_deref()).await?;
            d.backup_to(out).await?;
            println!("已备份到 {}", out.display());
            Ok(ExitCode::SUCCESS)
        }),
        DbCommand::Restore { backup, to } => {
            let target = match to {
                Some(t) => t.clone(),
                None => yuqi_db::default_data_dir()?.join("yuqi.sqlite"),
            };
            rt.block_on(yuqi_db::restore_sqlite(backup, &target))?;
            println!("已从 {} 恢复到 {}", backup.display(), target.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn user(c: &UserCommand) -> Result<ExitCode> {
    let UserCommand::Add { name, db } = c;
    let password = match std::env::var("YUQI_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).context("无法读取密码")?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    if password.is_empty() {
        bail!(Usage("请在标准输入中给出密码（或设置 YUQI_NEW_PASSWORD）".to_string()));
    }
    let rt = runtime()?;
    rt.block_on(async {
        let d = connect(db.as_deref()).await?;
        let u = d.create_user(name, &password).await?;
        println!("已添加用户 {}", u.name);
        Ok(ExitCode::SUCCESS)
    })
}
