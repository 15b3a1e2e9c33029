"""한국어: 복습, 알림, /stats."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    "cmd_review": "복습할 카드를 새 문제로 풀기",
    "cmd_stats": "내 학습 현황 한눈에 보기 (차트)",
    "cmd_remind": "매일 복습 알림: /remind 19:00 [시간대]",
    "review_topic": "복습",
    "review_button": "🔁 틀린 문제 복습하기 ({n})",
    "review_button_group": "🔁 틀린 문제 복습하기",
    "review_offer": {
        "other": "복습할 카드가 {n}장 있습니다. 틀린 문제가 새로운 문제로 다시 나옵니다."
    },
    "review_offer_group": "{n}명이 틀린 문제가 있습니다. 저와의 개인 채팅에서 같은 내용을 새 문제로 복습해 보세요.",
    "review_in_private": "복습은 개인별로 진행됩니다. 버튼을 눌러 저와의 개인 채팅에서 복습을 시작하세요.",
    "review_no_cards": "답한 문제는 모두 학습 카드가 됩니다. 틀린 문제는 시간 간격을 두고 새 문제로 다시 나옵니다. 아직 카드가 없어요. <code>/quiz 5 주제</code>로 시작해 보세요.",
    "review_nothing_due": "지금 복습할 카드가 없습니다. 다음 카드는 {when}({zone} 기준)에 복습할 차례입니다.",
    "due_today": "오늘 {time}",
    "due_tomorrow": "내일 {time}",
    "due_on": "{date} {time}",
    "review_weakest": "그동안 가장 약한 주제로 새 퀴즈를 풀어 볼까요? {topic}",
    "weakest_button": "📝 약한 주제로 퀴즈 풀기",
    "reminder": {"other": "⏰ 오늘 복습할 카드가 {n}장 있습니다."},
    "remind_usage": "사용법: <code>/remind 19:00 [시간대]</code> — 시간대는 이름(<code>Asia/Seoul</code>)이나 오프셋(<code>+09:00</code>)으로 적습니다. <code>/remind off</code>로 알림을 끕니다. 복습할 카드가 있는 날에만 하루 한 번 보냅니다.",
    "remind_set": "복습할 카드가 있는 날 {time} ({zone})에 알려 드릴게요.",
    "remind_off": "알림을 껐습니다.",
    "remind_private": "알림은 개인별 설정입니다. 저와의 개인 채팅에서 /remind 를 보내 주세요.",
    "stats_chart_accuracy": "Accuracy, 30 days (%)",
    "stats_chart_due": "Due cards, 14 days",
    "stats_person": "📊 퀴즈 {quizzes}개, 답 {answers}개, 정답률 {accuracy}%. 연속 학습 {streak}일. 오늘 복습 {today}장, 이번 주 {week}장.",
    "stats_weakest": "약한 주제: {topics}",
    "stats_group_header": "📊 이번 주 이 채팅",
    "list_more": {"other": "…외 {n}개 더"},
    "stats_nothing": "📊 아직 보여 줄 기록이 없습니다. /quiz 에 답하면 정답률과 복습할 카드가 여기에 나타납니다.",
    "stats_group_empty": "이번 주에는 아직 답이 없습니다.",
    "stats_most_active": "가장 활발한 멤버: {name} (답 {n}개)",
    "stats_most_accurate": "가장 정확한 멤버: {name} ({pct}%)",
}
