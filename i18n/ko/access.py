"""한국어: 접근, 한도, /usage 와 개인정보."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    # access, limits and privacy
    "access_denied": "죄송합니다. 이 봇은 비공개라 운영자가 허용한 채팅에서만 동작합니다. 사용 권한이 있어야 한다면 운영자에게 다음 번호를 알려 주세요: 채팅 <code>{chat_id}</code>, 사용자 <code>{user_id}</code>.",
    "access_denied_short": "이 봇은 여기서 사용할 수 없습니다",
    "starters_admins_only": "이 그룹에서는 채팅 관리자만 퀴즈를 시작할 수 있습니다. 관리자가 <code>/starters anyone</code>으로 모두에게 허용할 수 있습니다.",
    "command_flood_user": "{name}님, 명령이 너무 많습니다: 약 {seconds}초 동안 보내신 명령은 무시합니다.",
    "command_flood_chat": "이 채팅에 명령이 너무 많습니다: 약 {seconds}초 동안 명령을 무시합니다.",
    "cooldown": "여기에서 다음 퀴즈를 시작하려면 {seconds}초 기다려 주세요.",
    "limit_user_quizzes": {
        "other": "오늘의 퀴즈 한도({limit}개)에 도달했습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "limit_chat_quizzes": {
        "other": "이 채팅은 오늘의 퀴즈 한도({limit}개)에 도달했습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "limit_user_tokens": {
        "other": "오늘의 모델 사용 한도({limit} 토큰)를 모두 썼습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "limit_chat_tokens": {
        "other": "이 채팅은 오늘의 모델 사용 한도({limit} 토큰)를 모두 썼습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "limit_user_running": {
        "other": "이미 만드는 중이거나 진행 중인 퀴즈가 {limit}개 있습니다. 하나를 끝내거나 /stop으로 멈춘 뒤 새 퀴즈를 시작하세요."
    },
    "limit_budget": {
        "other": "봇이 오늘의 모델 예산({limit} 토큰)을 모두 썼습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "starters_usage": "이 채팅에서 퀴즈를 시작할 수 있는 사람: <b>{who}</b>. 관리자는 <code>/starters anyone</code> 또는 <code>/starters admins</code>로 바꿀 수 있습니다.",
    "starters_set": "이제 이 채팅에서 퀴즈를 시작할 수 있는 사람: <b>{who}</b>.",
    "starters_anyone": "모두",
    "starters_admins": "채팅 관리자만",
    "starters_private": "개인 채팅에서는 본인만 퀴즈를 시작합니다. /starters는 그룹용입니다.",
    "usage_operator_only": "이 명령은 봇 운영자 전용입니다.",
    "usage_private_only": "사용량 보고서에는 채팅과 사람 이름이 나옵니다. 개인 채팅에서 /usage를 보내 주세요.",
    "usage_report": "📊 <b>오늘의 사용량 (UTC)</b>\n퀴즈: {quizzes}\n토큰: {tokens} / {budget}",
    "usage_no_limit": "제한 없음",
    "usage_top_chats": "<b>상위 채팅</b> (토큰)",
    "usage_top_users": "<b>상위 사용자</b> (토큰)",
    "forgetme_done": {
        "other": "완료: 이름, 저장된 답변 {n}개, 학습 카드와 알림, 대기 중인 퀴즈와 제안된 주제, 개인 퀴즈의 주제와 문제, 나를 언급한 피드백, 내가 올린 문서의 올린 사람 표시를 지웠습니다. 채팅에 이미 올라간 결과는 남아 있고, 문서는 /forget으로 지울 때까지 남습니다."
    },
    "forgetme_confirm": "🗑 <b>저장된 내 정보를 모두 지울까요?</b>\n이름, 답변, 학습 카드, 알림, 대기 중인 퀴즈와 제안된 주제, 개인 퀴즈의 주제와 문제, 나를 언급한 피드백, 내가 올린 문서의 올린 사람 표시가 지워집니다. 채팅에 이미 올라간 결과는 남습니다. 되돌릴 수 없습니다.",
    "forgetme_button": "🗑 모두 지우기",
    "forgetme_keep_button": "지우지 않기",
    "forgetme_kept": "아무것도 지우지 않았습니다.",
    "forgetme_not_yours": "요청한 사람만 답할 수 있습니다.",
    "forgetme_in_private": "내 정보는 개인 채팅에서 다룹니다. 아래 버튼으로 개인 채팅을 열어 확인해 주세요.",
    "forgetme_private_button": "🔒 개인 채팅 열기",
    "cmd_forgetme": "내 답변, 이름, 학습 카드 지우기",
    "cmd_starters": "이 채팅에서 퀴즈를 시작할 수 있는 사람 (관리자)",
}
