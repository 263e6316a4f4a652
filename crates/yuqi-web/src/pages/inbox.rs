//! The inbox: imported messages with their conduct findings.

use super::*;

#[derive(Template)]
#[template(path = "inbox.html")]
struct Inbox {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    codes: Vec<(String, String, usize)>,
    senders: Vec<String>,
    code: String,
    sender: String,
    shown: usize,
    body: String,
}

#[derive(Deserialize)]
pub(crate) struct InboxQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    sender: String,
}

pub(crate) async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, c) = computed(&state, &v, &id, dates).await?;
    let codes = yuqi_docs::contacts::code_counts(&c.contacts)
        .into_iter()
        .map(|(code, label, n)| (code.to_string(), label.to_string(), n))
        .collect();
    let mut senders: Vec<String> = c.contacts.iter().filter(|x| x.incoming).filter_map(|x| x.from.clone()).collect();
    senders.sort();
    senders.dedup();
    let shown: Vec<&yuqi_docs::Contact> = c
        .contacts
        .iter()
        .filter(|x| x.incoming)
        .filter(|x| q.code.is_empty() || x.hits.iter().any(|h| h.code == q.code))
        .filter(|x| q.sender.is_empty() || x.from.as_deref() == Some(q.sender.as_str()))
        .collect();
    let blocks: Vec<Block> = shown.iter().map(|x| yuqi_docs::letters::quote_block(x)).collect();
    html(Inbox {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        codes,
        senders,
        code: q.code,
        sender: q.sender,
        shown: shown.len(),
        body: yuqi_render::html::blocks(&blocks),
    })
}
