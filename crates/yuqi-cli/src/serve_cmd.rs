//! `yuqi serve`: the web app; `yuqi db backup|restore`; `yuqi user add`.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::evidence_cmd::Usage;

#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// 监听地址（默认只在本机 127.0.0.1:8080；加 --phone 时默认是这台电脑在家里无线网中的地址，端口 8080；对外开放请放在 HTTPS 反向代理之后并用 --multi-user）
    #[arg(long)]
    addr: Option<SocketAddr>,
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
    /// 手机模式：在家里的无线网里用自己的手机扫码打开（电脑上显示二维码，10 分钟内有效、只能用一次；没扫码连上的手机打不开）。只在家里自己的无线网里用，不要在公共场所的无线网里用
    #[arg(long, conflicts_with = "multi_user")]
    phone: bool,
}

const DEFAULT_PORT: u16 = 8080;

/// Where to listen: `--addr`, else phone mode's home-network address, else 127.0.0.1.
fn listen_addr(a: &ServeArgs) -> Result<SocketAddr> {
    match a.addr {
        Some(addr) if a.phone && (addr.ip().is_loopback() || addr.ip().is_unspecified()) => Err(Usage(format!(
            "手机模式要用这台电脑在家里无线网中的地址（例如 192.168.1.5:8080），不能用 {addr}：手机连不到它"
        ))
        .into()),
        Some(addr) => Ok(addr),
        None if a.phone => Ok(SocketAddr::new(yuqi_web::lan_ipv4()?.into(), DEFAULT_PORT)),
        None => Ok(SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT))),
    }
}

/// Phone mode's start-up text: the pairing code and the plain warnings.
fn announce_phone(state: &yuqi_web::AppState, addr: SocketAddr, data_dir: &std::path::Path) -> Result<()> {
    let link = state.new_pairing_link().context("手机模式没有开启")?;
    // Explicit colours only where a terminal surely understands them; otherwise the code is
    // drawn for the usual light-on-dark window.
    let ansi = cfg!(unix) && std::io::stdout().is_terminal();
    let qr = yuqi_web::terminal_qr(&link.url, ansi)?;
    let home = format!("http://127.0.0.1:{}/", addr.port());
    println!("yuqi 手机模式已启动。");
    println!("用手机的相机或微信的“扫一扫”扫描下面的二维码（手机要连着和这台电脑同一个无线网）：\n");
    print!("{qr}");
    println!();
    println!(
        "二维码 {} 分钟内有效，只能用一次。过期了或扫不出来：在这台电脑的浏览器里打开 {home}phone ，生成新的二维码。",
        link.minutes
    );
    println!("手机浏览器里也可以直接输入：{}", link.url);
    println!("这台电脑自己用：{home}");
    println!(
        "注意：只在家里自己的无线网里用，不要在咖啡馆、车站、商场等公共场所的无线网里用——网页没有加密，同一个无线网里的人可能看到你的数据。二维码就是钥匙，不要发给别人。"
    );
    println!("数据保存在 {}；用完按 Ctrl-C 停止，停止后手机就打不开了。", data_dir.display());
    std::io::stdout().flush()?;
    Ok(())
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
    let addr = listen_addr(a)?;
    if !addr.ip().is_loopback() && !a.multi_user && !a.phone {
        return Err(Usage(format!(
            "{addr} 不是本机地址：单用户模式没有登录，只能在本机使用。让自己的手机在家里的无线网里打开请用 --phone；对外开放请加 --multi-user，并放在 HTTPS 反向代理之后"
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
        let mut cfg = if a.phone {
            yuqi_web::Config::phone(yuqi_web::PhoneConfig::new(addr), data_dir.clone())
        } else {
            yuqi_web::Config::local(addr.port(), data_dir.clone())
        };
        if a.multi_user {
            cfg.mode = yuqi_web::Mode::MultiUser;
        }
        if !a.phone && !addr.ip().is_loopback() {
            cfg.allowed_hosts.push(addr.to_string());
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
        if a.phone {
            announce_phone(&state, addr, &data_dir)?;
            // The home network for the phone, 127.0.0.1 for the computer's own browser.
            yuqi_web::serve_on(state, &[SocketAddr::from(([127, 0, 0, 1], addr.port())), addr]).await?;
            return Ok(ExitCode::SUCCESS);
        }
        let url = format!("http://{addr}/");
        println!("yuqi 已启动：在浏览器中打开 {url}");
        println!("数据保存在 {}；按 Ctrl-C 停止。", data_dir.display());
        std::io::stdout().flush()?;
        yuqi_web::serve(state, addr).await?;
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
