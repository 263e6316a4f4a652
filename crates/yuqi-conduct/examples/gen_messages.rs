//! Deterministic generator of realistic collection-message logs for benchmarks
//! (`bench/conduct_bench.sh`). Same seed, same bytes, on every machine.
//!
//!   gen_messages N > messages.jsonl

#![allow(clippy::print_stdout)]

use std::io::{BufWriter, Write};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const LAWFUL: &[&str] = &[
    "【{P}】尊敬的{N}，您的借款本期应还{A}元，到期日{D}，请按时还款，如已还款请忽略。",
    "【{P}】您尾号{T}的信用卡本期账单{A}元，最低还款额{B}元，请于{D}前还款。",
    "【{P}】您的账单已逾期{K}天，逾期将按合同约定计收罚息，如有困难可在APP申请协商还款。",
    "尊敬的客户，您在我司的借款已逾期，逾期信息将依法报送征信，请尽快联系客服{M}协商。",
    "【12368】{N}您好，原告{P}诉您金融借款合同纠纷一案已立案，案号（2025）京0105民初{T}号，承办法官李某。",
    "您好，我们可以为您申请分{K}期还款，每期约{B}元，您看是否可以接受？",
    "【{P}】还款成功！您已还款{A}元，剩余应还{B}元。",
    "{N}您好，今天联系您是想确认上周承诺的还款时间，如有变动请提前告知。",
];

const BAD: &[&str] = &[
    "{N}你再不还钱，明天我们的人就上门，到你单位找你领导，后果自负！",
    "老赖{N}，{A}元都还不上，不要脸，今天不处理就爆你通讯录。",
    "【{P}】你的欠款已移交法院，传票三日内送达户籍地，请速联系{M}。",
    "你涉嫌恶意逃废债，再不还就等着坐牢，公安已经备案了。",
    "今天私下处理，转我支付宝{M}，{A}元就给你销账。",
    "不还钱你所有银行卡都会被冻结，子女以后考公政审都过不了。",
    "交{B}元停催费，今天就不再打你电话。",
    "你去借呗、微粒贷借出来先还我们，今天必须到账。",
    "我是{P}合作律师事务所的王律师，限你48小时内还清{A}元。",
    "再拖下去你家人出点什么意外别怪我们，出门小心点。",
];

const NAMES: &[&str] = &["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴涛"];
const PLATFORMS: &[&str] = &["好借点", "某某分期", "XX花", "YY借", "某某消费金融", "某某银行"];

fn fill(rng: &mut Rng, t: &str) -> String {
    let mut s = String::with_capacity(t.len() + 32);
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            let key: String = chars.by_ref().take_while(|c| *c != '}').collect();
            match key.as_str() {
                "N" => s.push_str(rng.pick(NAMES)),
                "P" => s.push_str(rng.pick(PLATFORMS)),
                "A" => s.push_str(&format!("{}.{:02}", 100 + rng.below(50_000), rng.below(100))),
                "B" => s.push_str(&(50 + rng.below(2_000)).to_string()),
                "D" => s.push_str(&format!("{:02}月{:02}日", 1 + rng.below(12), 1 + rng.below(28))),
                "K" => s.push_str(&(1 + rng.below(120)).to_string()),
                "T" => s.push_str(&format!("{:04}", rng.below(10_000))),
                "M" => s.push_str(&format!("1{}{:09}", 3 + rng.below(7), rng.below(1_000_000_000))),
                _ => {}
            }
        } else {
            s.push(c);
        }
    }
    s
}

fn main() -> std::io::Result<()> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut rng = Rng(20_261_124);
    let out = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    for i in 0..n {
        // About 15 % of collection traffic violates something.
        let template = if rng.below(100) < 15 { rng.pick(BAD) } else { rng.pick(LAWFUL) };
        let text = fill(&mut rng, template);
        let hour = rng.below(24);
        let minute = rng.below(60);
        let day = 1 + rng.below(28);
        let from = format!("1069{:08}", rng.below(100_000_000));
        let text_json = serde_json::to_string(&text).unwrap_or_default();
        writeln!(
            w,
            "{{\"id\":\"m{i}\",\"text\":{text_json},\"time\":\"2025-06-{day:02}T{hour:02}:{minute:02}:00+08:00\",\"from\":\"{from}\",\"to\":\"self\",\"channel\":\"sms\"}}"
        )?;
    }
    w.flush()
}
