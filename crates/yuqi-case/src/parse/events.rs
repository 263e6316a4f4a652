//! A debt's `[[debt.event]]` and `[[debt.assignment]]` entries: what happened when, and who the
//! debt was sold to. Kept apart because their dates are checked against the contract and
//! against each other, not against the repayment terms.

use chrono::NaiveDate;
use toml::Spanned;

use super::raw::{RawAssignment, RawEvent};
use super::values::Cx;
use crate::channel::Channel;
use crate::model::*;

impl Cx<'_> {
    pub(super) fn event(&mut self, se: &Spanned<RawEvent>, contract_date: Option<NaiveDate>) -> Option<Event> {
        let (span, e) = (se.span(), se.get_ref());
        let before = self.errors.len();
        let date = self.req(&e.date, &span, "date", "事件日期", Self::date);
        let kind = self.req(&e.kind, &span, "kind", "事件类型", |cx, v| {
            cx.choice(
                v,
                EventKind::from_text,
                "demand(催收), auto_debit, public_notice, acceleration, lawsuit_filed, lawsuit_served, lawsuit_ended, payment_order, judgment, enforcement_applied, preservation, mediation, police_report, shixin_listed, consumption_restricted, card_terminated, acknowledgment, promise, installment_request, extension_request, repayment_plan, security, signed_notice, refusal, credit_reported, settled, credit_objection, pboc_complaint, obstacle",
            )
        });
        let channel = self.opt(&e.channel, |cx, v| cx.choice(v, Channel::from_text, &Channel::codes_list()));
        let by = self.opt(&e.by, Self::string);
        let reached = self.opt(&e.reached, Self::boolean);
        let reached_date = self.opt(&e.reached_date, Self::date);
        let end = self.opt(&e.end, Self::date);
        let deadline = self.opt(&e.deadline, Self::date);
        let amount = self.opt(&e.amount, Self::money);
        let note = self.opt(&e.note, Self::string).unwrap_or_default();
        if let (Some(d), Some(rd), Some(v)) = (date, reached_date, &e.reached_date)
            && rd < d
        {
            self.err(v.span(), format!("到达日期 {rd} 早于事件日期 {d}"));
        }
        if let (Some(d), Some(en), Some(v)) = (date, end, &e.end)
            && en < d
        {
            self.err(v.span(), format!("结束日期 {en} 早于开始日期 {d}"));
        }
        if let (Some(d), Some(cd), Some(v)) = (date, contract_date, &e.date)
            && d < cd
            && kind != Some(EventKind::CreditReported)
        {
            self.err(v.span(), format!("事件日期 {d} 早于合同日期 {cd}"));
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Event {
            date: date?,
            kind: kind?,
            channel,
            by,
            reached,
            reached_date,
            end,
            deadline,
            amount,
            note,
            source: EventSource::CaseFile,
        })
    }

    pub(super) fn assignment(&mut self, sa: &Spanned<RawAssignment>) -> Option<Assignment> {
        let (span, a) = (sa.span(), sa.get_ref());
        let before = self.errors.len();
        let date = self.req(&a.date, &span, "date", "转让日期", Self::date);
        let from = self.req(&a.from, &span, "from", "转让人（原债权人）", Self::string);
        let to = self.req(&a.to, &span, "to", "受让人", Self::string);
        let to_kind = match &a.to_kind {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "amc" | "AMC" | "资产管理公司" | "金融资产管理公司" | "地方资产管理公司" => {
                        Some(AssigneeKind::Amc)
                    }
                    "other" | "其他" | "保理公司" | "催收公司" | "个人" => Some(AssigneeKind::Other),
                    _ => None,
                },
                "amc（持牌金融/地方资产管理公司）, other（保理公司、催收公司、个人等）",
            ),
            None => Some(AssigneeKind::Other),
        };
        let notice_by = match &a.notice_by {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "assignor" | "转让人" | "原债权人" => Some(NoticeBy::Assignor),
                    "assignee" | "受让人" => Some(NoticeBy::Assignee),
                    "none" | "无" | "未通知" => Some(NoticeBy::None),
                    _ => None,
                },
                "assignor（原债权人通知）, assignee（受让人通知）, none（没有通知）",
            ),
            None => Some(NoticeBy::None),
        };
        let notice_reached = self.opt(&a.notice_reached, Self::date);
        let notice_channel =
            self.opt(&a.notice_channel, |cx, v| cx.choice(v, Channel::from_text, &Channel::codes_list()));
        let pilot = self.opt(&a.pilot, Self::boolean).unwrap_or(false);
        let note = self.opt(&a.note, Self::string).unwrap_or_default();
        if notice_by == Some(NoticeBy::None) && notice_reached.is_some() {
            self.err(span.clone(), "notice_by = \"none\"（未通知）时不应填写 notice_reached".to_string());
        }
        if let (Some(d), Some(n)) = (date, notice_reached)
            && n < d
        {
            let s = a.notice_reached.as_ref().map_or(span.clone(), Spanned::span);
            self.err(s, format!("通知到达日期 {n} 早于转让日期 {d}"));
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Assignment {
            date: date?,
            from: from?,
            to: to?,
            to_kind: to_kind?,
            notice_by: notice_by?,
            notice_reached,
            notice_channel,
            pilot,
            note,
        })
    }
}
