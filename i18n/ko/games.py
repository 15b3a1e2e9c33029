"""한국어: 실시간 게임, 시험 모드, 채팅의 풀이 방식."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    "live_rules": "⏱ 실시간 게임: 한 번에 한 문제, 문제마다 {seconds}초. 빨리 맞힐수록 점수가 높고, 문제마다 순위가 갱신됩니다.",
    "live_countdown": "⏱ {seconds}초 안에 답하세요.",
    "live_standings": "📊 {k}/{n}번 문제 후 순위",
    "exam_usage": "이 채팅의 시험 모드: <b>{state}</b>. 관리자: <code>/exam on</code> 이면 퀴즈가 끝날 때까지 다른 사람의 선택이 보이지 않고, <code>/exam off</code> 이면 답하는 대로 투표 결과가 보입니다.",
    "exam_state_on": "켜짐",
    "exam_state_off": "꺼짐",
    "exam_on": "시험 모드를 켰습니다. 다음 퀴즈부터 퀴즈가 끝날 때까지 아무도 다른 사람의 선택을 볼 수 없습니다.",
    "exam_off": "시험 모드를 껐습니다. 다음 퀴즈부터 답하는 대로 투표 결과가 보입니다.",
    "exam_private": "시험 모드는 그룹용입니다. 개인 채팅에서는 다른 사람이 투표하지 않습니다.",
    "cmd_exam": "시험 모드: 끝날 때까지 투표 숨기기 (관리자)",
    "mode_usage": "<code>/mode live</code> (한 번에 한 문제, 시간 제한) 또는 <code>/mode all</code> (모든 문제를 한꺼번에) 을 쓰세요. 현재: <b>{mode}</b>",
    "mode_set": "이 채팅의 /quiz 는 이제 <b>{mode}</b> 방식입니다.",
    "seconds_usage": "실시간 게임의 문제당 시간은 <code>/seconds 초</code> ({low}~{high}). 현재: {seconds}초",
    "seconds_set": "이 채팅의 실시간 게임은 이제 문제마다 {seconds}초입니다.",
    "cmd_live": "실시간 게임: /live [N] 주제",
    "cmd_mode": "/quiz 방식: live 또는 all (관리자)",
    "cmd_seconds": "실시간 게임 문제당 시간 (관리자)",
}
