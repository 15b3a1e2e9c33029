"""한국어 텍스트. 키는 en.py와 같아야 합니다 (테스트가 확인합니다)."""

# 수를 세는 텍스트는 CLDR 복수형을 가집니다. 한국어에는 "other" 하나뿐입니다 (i18n.tr 참고).
TEXTS: dict[str, str | dict[str, str]] = {
    "start": (
        "👋 <b>StudyQuiz</b>는 여러분과 스터디 그룹을 위해 객관식 퀴즈를 만들어 드립니다.\n\n"
        "<code>/quiz 5 광합성</code>처럼 입력해 보세요. 5문제를 만들고, 답을 받은 뒤 "
        "맞은 것과 틀린 것을 설명해 드립니다.\n\n자세한 내용은 /help 를 보세요."
    ),
    "help": (
        "<b>StudyQuiz 사용법</b>\n\n"
        "<code>/quiz [N] 주제</code> — 주제에 대한 N문제 퀴즈 (기본 {default}문제, 최대 "
        "{max}문제). 입력한 언어로 출제됩니다.\n{checks}"
        "/stop — 진행 중인 퀴즈를 지금 끝내고 피드백을 받습니다.\n"
        "<code>/lang ko|en|auto</code> — 이 채팅에서 봇이 쓰는 언어.\n"
        "<code>/style poll|keyboard</code> — 이 채팅에서 문제를 보여주는 방식.\n"
        "/docs, <code>/forget N|all</code> — 이 채팅의 문서. PDF, 워드, 파워포인트, 텍스트, "
        "마크다운 파일을 보내면 /quiz 가 그 내용으로 문제를 내고 인용을 출처로 보여 줍니다 "
        "(그룹에서는 캡션에서 저를 언급하세요). 파일을 색인하는 동안 보낸 /quiz 는 준비되는 "
        "대로 자동으로 시작됩니다.\n"
        "교과서 페이지, 칠판, 필기 사진(또는 앨범)을 보내면 모델이 그 글을 받아 적어 이 채팅의 "
        "문서에 더합니다. 캡션에 <code>/quiz 3</code> (또는 <code>3</code>)을 쓰면 바로 "
        "퀴즈가 시작됩니다.\n{where}"
        "개인 채팅에서는 주제를 그냥 써 보내고 <i>이 내용으로 퀴즈 풀기</i>를 눌러도 됩니다.\n\n"
        "<b>답하기</b>\n"
        "• <i>poll</i> 방식: 텔레그램 퀴즈 투표. 누르는 즉시 정답 여부가 보입니다.\n"
        "• <i>keyboard</i> 방식: 버튼이 달린 메시지. 퀴즈가 끝날 때까지 정답이 숨겨집니다 "
        "(시험 방식). 투표에 들어가지 않는 긴 문제는 항상 이 방식으로 나옵니다.\n"
        "• 각 문제에 처음 고른 답이 기록되며 바꿀 수 없습니다.\n\n"
        "<b>그룹에서</b>\n"
        "누구나 답할 수 있습니다. 모든 멤버가 답하거나, 제한 시간이 지나거나 "
        "(<code>/timelimit</code>, 관리자), 시작한 사람이나 관리자가 /stop 하면 퀴즈가 끝나고 "
        "순위표를 올립니다. 제한 시간은 퀴즈가 열린 순간부터 계산됩니다. 마지막 몇 초 사이에 올라온 "
        "문제는 퀴즈가 끝날 때 함께 닫힙니다. 관리자는 <code>/starters anyone|admins</code> 로 퀴즈를 시작할 수 "
        "있는 사람을 정합니다. 포럼에서는 주제마다 퀴즈와 퀴즈 사이의 대기 시간이 따로 "
        "있습니다. <code>/exam on</code> (관리자) 은 시험 모드로, 퀴즈가 끝날 때까지 다른 "
        "사람의 선택을 볼 수 없습니다.\n"
        "만들지 못한 퀴즈(모델 오류)는 대기 시간도 생기지 않고 하루 퀴즈 수에도 세지 "
        "않습니다.\n\n"
        "모든 문제에 답하면 (또는 누군가 /stop 하면) 답안을 모델에 보내고 피드백을 "
        "올립니다: 정답, 이유, 출처.\n\n"
        "<b>실시간 게임</b>\n"
        "<code>/live [N] 주제</code> — 모두가 동시에 한 문제씩, 텔레그램 카운트다운과 함께 "
        "풉니다 (<code>/seconds 10…300</code>, 관리자). 시간이 다 되거나 모든 멤버가 답하면 "
        "다음 문제가 나옵니다. 정답은 빠를수록 많이, 500~1000점을 받습니다. 연속 정답마다 "
        "100점이 더해지고 (최대 +500), 틀리거나 답하지 않으면 0점이고 연속 기록이 끊깁니다. "
        "시간은 제가 문제를 보낸 때부터 답이 저에게 도착한 때까지입니다 (텔레그램은 누른 "
        "시각을 알려 주지 않습니다). 순위는 문제마다 갱신되며, 점수가 같으면 시간이 적은 "
        "사람이 앞섭니다. <code>/mode live|all</code> 로 이 채팅에서 /quiz 의 방식을 정합니다. "
        "개인 채팅에서 /live 는 시간 제한이 있는 혼자 풀기입니다.\n\n"
        "<b>학습</b>\n"
        "답한 문제는 모두 학습 카드가 되고, 틀린 문제는 시간 간격을 두고 같은 내용을 묻는 "
        "새 문제로 다시 나옵니다.\n"
        "/review — 복습할 차례인 카드로 만든 퀴즈 (개인 채팅).\n"
        "/stats — 정답률과 다가오는 복습 카드를 보여 주는 차트.\n"
        "<code>/remind 19:00 [시간대]</code>, <code>/remind off</code> — 복습할 카드가 있는 날 "
        "매일 알림.\n\n"
        "/forgetme 로 확인을 거쳐 저장된 내 정보를 모두 지울 수 있습니다."
    ),
    "help_verify": (
        "문제를 올리기 전에 모델이 정답을 보지 않고 한 번 더 따로 풀어 확인합니다. 정답을 "
        "확인할 수 없거나, 주제의 언어로 쓰이지 않았거나, 다른 문제와 겹치는 문제는 한 번 다시 "
        "쓰게 하고, 그래도 안 되면 빼고 몇 문제를 뺐는지 알려 드립니다. 문제마다 짧은 호출이 "
        "한 번 더 듭니다.\n"
    ),
    "quiz_usage": "퀴즈 주제를 알려 주세요. 예: <code>/quiz 5 광합성</code>",
    "clamped": "퀴즈는 {low}~{high}문제까지 만들 수 있어서 이번에는 {n}문제입니다.",
    "generating": {"other": "✍️ <b>{topic}</b>에 대한 {n}문제를 만드는 중…"},
    "quiz_ready": {"other": "📝 <b>{title}</b> — {n}문제. 아래에서 답해 주세요."},
    "already_open": "이 채팅에서 이미 퀴즈가 진행 중입니다. 답하거나 /stop 으로 끝내세요.",
    "no_quiz": "진행 중인 퀴즈가 없습니다. <code>/quiz 5 주제</code>로 시작하세요.",
    "stop_not_allowed": "퀴즈를 시작한 사람이나 채팅 관리자만 끝낼 수 있습니다.",
    "cancelled": "만들던 퀴즈를 취소했습니다.",
    "invalid_quiz": (
        "죄송합니다. 모델이 다시 시도해도 사용할 수 없는 퀴즈를 만들었습니다. "
        "주제를 더 구체적으로 해서 /quiz 를 다시 시도해 주세요."
    ),
    "model_wrote_no_quiz": (
        "모델이 응답했지만 두 번 요청해도 사용할 수 있는 퀴즈를 쓰지 않았습니다. "
        "/quiz 를 다시 시도해 주세요. 더 큰 모델일수록 퀴즈를 더 안정적으로 만듭니다."
    ),
    "openai_unavailable": "퀴즈 서비스가 지금 응답하지 않습니다. 잠시 후 다시 시도해 주세요.",
    "openai_rejected": (
        "퀴즈 서비스가 요청을 거부했습니다. 다시 시도해 보시고, 계속 실패하면 "
        "봇 운영자에게 알려 주세요."
    ),
    "feedback_failed": (
        "답안은 저장되었지만 지금은 피드백을 받지 못했습니다. "
        "잠시 후 <b>다시 시도</b>를 눌러 주세요."
    ),
    "try_again": "🔁 다시 시도",
    "cancel_quiz": "✖ 퀴즈 취소",
    "feedback_gave_up": (
        "{n}번 시도했지만 피드백을 받지 못해 이 퀴즈는 피드백 없이 끝났습니다. "
        "언제든 /quiz 로 새 퀴즈를 시작하세요."
    ),
    "stuck_quiz_cancelled": "퀴즈를 피드백 없이 취소했습니다. 언제든 /quiz 로 새 퀴즈를 시작하세요.",
    "cancel_not_allowed": "시작한 사람이나 관리자만 퀴즈를 취소할 수 있습니다",
    "not_a_participant": "이 채팅의 멤버만 이 퀴즈에 답할 수 있습니다",
    "answer_saved": "답이 저장되었습니다",
    "already_answered": "이미 답한 문제입니다",
    "quiz_closed": "끝난 퀴즈입니다",
    "invalid_button": "더 이상 유효하지 않은 버튼입니다",
    "sources": "출처",
    "style_set": "이 채팅의 퀴즈 방식: <b>{style}</b>",
    "style_usage": "<code>/style poll</code> 또는 <code>/style keyboard</code>. 현재: {style}",
    "interrupted": "봇이 다시 시작되어 만들던 퀴즈가 중단되었습니다. /quiz 로 다시 시작해 주세요.",
    "group_rules": "누구나 답할 수 있습니다. 모든 멤버가 답하거나, 시간이 다 되거나 ({time}), 시작한 사람이나 관리자가 종료 버튼 또는 /stop 을 누르면 끝납니다.",
    "finish_button": "⏹ 퀴즈 종료",
    "results_header": "🏁 결과 — {title}",
    "no_answers": "아무도 답하지 않았습니다.",
    "finish_not_allowed": "시작한 사람이나 관리자만 퀴즈를 끝낼 수 있습니다",
    "time_limit_set": "이 채팅의 그룹 퀴즈는 이제 {time} 후에 끝납니다.",
    "time_limit_usage": "<code>/timelimit 초</code> ({low}~{high}). 현재: {time}",
    "admins_only": "채팅 관리자만 바꿀 수 있습니다.",
    "more_players": "… 외 {n}명",
    "verify_unconfirmed": {"other": "정답을 확인할 수 없어 문제 {n}개를 제외했습니다."},
    "verify_unfit": {
        "other": "다른 문제와 겹치거나 주제의 언어로 쓰이지 않은 문제 {n}개를 제외했습니다."
    },
    "questions_dropped": {
        "other": "일부 문제를 제대로 만들지 못해 이 퀴즈는 {asked}문제가 아니라 {n}문제입니다."
    },
    "internal_error": "봇에서 문제가 생겼습니다. 다시 시도해 주세요.",
    # newcomers: plain text, unknown commands, joining a group
    "plain_text_hint": "저는 퀴즈를 만듭니다. 아래 버튼을 누르면 보내신 내용으로 퀴즈를 만들고, <code>/quiz 5 주제</code>로 직접 시작할 수도 있습니다. 나머지는 /help 를 보세요.",
    "topic_offer_button": "📝 이 내용으로 퀴즈 풀기",
    "topic_offer_gone": "이 제안은 만료되었습니다. 주제를 다시 보내 주세요.",
    "unknown_command": "{command} 명령은 모릅니다. /help 에서 할 수 있는 일을 확인하세요.",
    "group_intro": (
        "👋 안녕하세요, <b>StudyQuiz</b>입니다. 이 그룹을 위해 객관식 퀴즈를 만들고, 끝나면 정답과 이유를 설명합니다.\n\n"
        "<code>/quiz 5 주제</code>로 시작하거나, 캡션에서 저를 언급해 문서를 보낸 뒤 /quiz 를 보내세요.\n"
        "이 그룹에서 퀴즈를 시작할 수 있는 사람: <b>{who}</b> (관리자는 /starters 로 바꿀 수 있습니다).\n"
        "답은 익명이 아닙니다: 채점하고 설명하기 위해 누가 무엇을 골랐는지 봇이 봅니다. 자세한 내용은 /help 를 보세요."
    ),
    # a /quiz waiting for documents
    "doc_quiz_waiting": "⏳ 이 채팅의 문서를 아직 색인하는 중입니다. 준비되는 대로 퀴즈가 자동으로 시작됩니다.",
    "doc_quiz_already_waiting": "⏳ 이미 문서를 기다리는 퀴즈가 있습니다. 문서가 준비되는 대로 시작됩니다.",
    "doc_quiz_not_ready": "⏳ {seconds}초가 지나도 문서 색인이 끝나지 않아 퀴즈를 시작하지 않았습니다. /docs 에서 준비되었는지 확인한 뒤 /quiz 를 다시 보내 주세요.",
    "doc_quiz_no_document": "문서를 추가하지 못해 퀴즈를 시작하지 않았습니다. 문서 없이 하려면 <code>/quiz 5 주제</code>를 보내 주세요.",
    "doc_quiz_still_indexing": "⏳ 이 채팅의 문서를 아직 색인하는 중입니다. /docs 에서 준비되었는지 확인한 뒤 /quiz 를 다시 보내 주세요.",
    "doc_quiz_interrupted": "문서를 색인하는 동안 봇이 다시 시작되었고 문서가 아직 준비되지 않아 퀴즈를 시작하지 않았습니다. /docs 에서 준비되었는지 확인한 뒤 /quiz 를 다시 보내 주세요.",
    # menus and languages
    "language_name": "한국어",
    "cmd_quiz": "퀴즈 만들기: /quiz [N] 주제",
    "cmd_stop": "진행 중인 퀴즈 끝내고 피드백 받기",
    "cmd_style": "이 채팅의 문제 방식 (투표/버튼)",
    "cmd_timelimit": "그룹 퀴즈 제한 시간 (관리자)",
    "cmd_lang": "이 채팅에서 봇이 쓰는 언어",
    "cmd_help": "StudyQuiz 사용법",
    "start_sample_button": "📝 예시 퀴즈 풀어 보기",
    "start_help_button": "❓ 도움말",
    "start_style_button": "🎛 문제 방식",
    "start_lang_button": "🌐 언어",
    "sample_topic": "광합성",
    "lang_usage": "<code>/lang {choices}</code> 중 하나를 쓰거나, <code>/lang auto</code>로 각자의 텔레그램 언어를 따르게 하세요. 현재: {language}.",
    "lang_auto_name": "각자의 텔레그램 언어",
    "lang_set": "이 채팅에서는 한국어로 말하겠습니다.",
    "lang_auto_set": "이 채팅에서는 각자의 텔레그램 언어를 따르겠습니다.",
    # documents
    "help_docs_local": "파일은 이 봇의 서버에서 읽고 검색합니다. 모델에는 퀴즈에 쓰이는 구절만 보냅니다. 사진은 읽기 위해 모델에 보냅니다.\n",
    "help_docs_openai": "파일은 /forget 할 때까지 모델 제공자(OpenAI 벡터 스토어)에 저장되어 검색됩니다. 사진은 읽기 위해 모델에 보냅니다.\n",
    "doc_indexing_here": "🔎 <b>{name}</b>을(를) 읽고 여기서 색인하는 중… 긴 파일은 1분쯤 걸립니다.",
    "doc_scanned": "❌ <b>{name}</b>은(는) 스캔본입니다. 페이지가 글자 없는 그림이라 검색할 수 없습니다. 대신 퀴즈로 만들 페이지의 사진을 보내 주세요 (앨범으로 한 번에 10장까지).",
    "doc_no_text": "❌ <b>{name}</b>에서 글을 찾지 못해 퀴즈를 만들 내용이 없습니다.",
    "doc_unreadable": "❌ <b>{name}</b>을(를) 읽을 수 없습니다. 파일이 손상되었거나 보호되어 있습니다. 다른 사본을 보내 주세요.",
    "doc_extract_timeout": "❌ <b>{name}</b>을(를) 읽는 데 너무 오래 걸려 멈췄습니다. 더 작은 파일(필요한 장만)을 보내 주세요.",
    "doc_unsupported_here": "여기서는 <b>{name}</b>을(를) 읽을 수 없습니다. PDF, DOCX, PPTX, 텍스트, 마크다운, HTML로 보내 주세요.",
    "photo_no_vision": "❌ 이 모델 서버는 그림을 읽을 수 없어서 <b>{name}</b>을(를) 쓸 수 없습니다. 대신 글을 파일로 보내 주세요.",
    "photo_no_text": "❌ <b>{name}</b>에서 글을 찾지 못했습니다. 밝은 곳에서 정면으로 찍은 선명한 사진이면 대개 됩니다.",
    "photo_failed": "❌ 지금은 <b>{name}</b>을(를) 읽지 못했습니다. 잠시 후 다시 보내 주세요.",
    "photo_name": "사진, {date}",
    "photo_page": "{name}, {page}쪽",
    "doc_no_search": "이 모델 서버는 문서를 검색할 수 없어서(파일·벡터 스토어 API가 없음) 여기서는 문서로 퀴즈를 만들 수 없습니다. <code>/quiz 5 주제</code>는 그대로 쓸 수 있습니다.",
    "doc_unsupported": "<b>{name}</b> 파일로는 퀴즈를 만들 수 없습니다 (검색할 수 없는 형식). 다음 형식 중 하나를 보내 주세요: {types}.",
    "doc_too_big": "<b>{name}</b> 파일이 너무 큽니다 ({size}). 최대 {limit}까지 받을 수 있습니다.",
    "doc_limit_user_documents": {
        "other": "<b>{name}</b>을(를) 추가하지 않았습니다: 오늘의 문서 한도({limit}개)에 도달했습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "doc_limit_chat_documents": {
        "other": "<b>{name}</b>을(를) 추가하지 않았습니다: 이 채팅은 오늘의 문서 한도({limit}개)에 도달했습니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후)."
    },
    "doc_limit_user_bytes": "<b>{name}</b>을(를) 추가하지 않았습니다: 오늘의 문서 용량 한도({limit})를 넘게 됩니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후).",
    "doc_limit_chat_bytes": "<b>{name}</b>을(를) 추가하지 않았습니다: 이 채팅의 오늘 문서 용량 한도({limit})를 넘게 됩니다. UTC 자정에 초기화됩니다({h}시간 {m}분 후).",
    "doc_limit_library": {
        "other": "<b>{name}</b>을(를) 추가하지 않았습니다: 이 채팅의 문서함이 가득 찼습니다({limit}개). <code>/forget N</code>으로 자리를 만드세요."
    },
    "doc_downloading": "📥 텔레그램에서 <b>{name}</b> ({size}) 받는 중…",
    "doc_uploading": "📤 <b>{name}</b> ({size}) 검색용으로 저장하는 중…",
    "doc_indexing": "🔎 <b>{name}</b> 색인 중… 큰 파일은 1분쯤 걸립니다.",
    "doc_ready": "✅ <b>{name}</b> ({size}) 준비되었습니다. /quiz 로 이 채팅의 문서에 대한 퀴즈를, <code>/quiz 5 주제</code>로 주제를 좁힌 퀴즈를 만들 수 있습니다. 목록은 /docs.",
    "doc_still_processing": "⏳ <b>{name}</b> 아직 색인 중입니다. 준비되면 /docs 에 표시됩니다.",
    "doc_failed": "❌ <b>{name}</b> 색인에 실패했습니다: {reason}",
    "doc_download_failed": "텔레그램에서 <b>{name}</b> 파일을 받지 못했습니다. 다시 보내 주세요.",
    "doc_openai_failed": "지금은 <b>{name}</b> 파일을 검색용으로 저장하지 못했습니다. 잠시 후 다시 보내 주세요.",
    "docs_empty": "이 채팅에는 아직 문서가 없습니다. 파일({types})을 보내면 /quiz 가 그 내용으로 문제를 냅니다. 그룹에서는 캡션에서 저를 언급하거나 제 메시지에 답장으로 보내 주세요.",
    "docs_header": "📚 <b>이 채팅의 문서</b>",
    "docs_footer": "<code>/forget N</code>으로 하나를, <code>/forget all</code>로 모두 지웁니다.",
    "doc_state_downloading": "받는 중",
    "doc_state_uploading": "저장 중",
    "doc_state_processing": "색인 중",
    "doc_state_ready": "준비됨",
    "doc_state_failed": "실패",
    "forget_usage": "<code>/forget N</code>(/docs 의 번호) 또는 <code>/forget all</code>을 쓰세요.",
    "forget_done": "🗑 지웠습니다: {names}.",
    "forget_not_allowed": {
        "other": "문서 {n}개는 남겨 두었습니다: 문서를 올린 사람이나 채팅 관리자만 지울 수 있습니다."
    },
    "doc_busy": "아직 추가하는 중입니다. 잠시 후 다시 시도하세요: {names}.",
    "quotes_header": "문서 인용",
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
    "lib_share_button": "🔗 공유 (/myquizzes 의 #{number})",
    "lib_board_header": "🏆 <b>{title}</b>: 참여자별 최고 점수와 시간",
    "lib_board_empty": "아직 끝까지 푼 사람이 없어요.",
    "lib_empty": "보관함이 비어 있어요. 시작한 퀴즈와 보내 주신 CSV 퀴즈가 모두 여기에 저장돼요 (/help 참고).",
    "lib_header": "📚 <b>내 퀴즈</b>, 최신순 ({pages}쪽 중 {page}쪽). 하나를 누르세요:",
    "lib_entry": {"other": "<b>#{number} {title}</b>\n{n}문제 · {date}\n{shared}\n{board}"},
    "lib_shared_on": "🔗 공유 중: 링크가 있는 누구나 풀 수 있어요.",
    "lib_shared_off": "공유하지 않음.",
    "lib_board_on": "🏆 참여자에게 순위표를 보여 줘요.",
    "lib_board_off": "🏆 순위표는 나만 봐요.",
    "lib_play_button": "▶️ 여기서 풀기",
    "lib_export_button": "📄 내보내기",
    "lib_delete_button": "🗑 삭제",
    "lib_revoke_button": "⛔ 링크 해제",
    "lib_board_button": "🏆 순위표",
    "lib_show_board_button": "참여자에게 순위표 보이기",
    "lib_hide_board_button": "참여자에게 순위표 숨기기",
    "lib_back_button": "◀️ 전체 퀴즈",
    "lib_prev_button": "◀️",
    "lib_next_button": "▶️",
    "lib_confirm_delete": "보관함에서 #{number} <b>{title}</b>을(를) 삭제할까요? 공유 링크도 더는 작동하지 않아요.",
    "lib_yes_delete_button": "🗑 네, 삭제해요",
    "lib_deleted": "#{number}을(를) 보관함에서 삭제했어요.",
    "lib_share_text": {
        "other": "🔗 <b>{title}</b>: {n}문제. 이 링크를 연 사람은 누구나 개인 채팅에서 풀 수 있어요:\n{link}\n\n그룹에서 풀려면 (관리자가 저를 추가):\n{group_link}"
    },
    "lib_take_button": "이 퀴즈 풀기",
    "lib_group_button": "그룹에서 풀기",
    "lib_revoked": "#{number}의 링크가 더는 작동하지 않아요. 다시 공유하면 새 링크가 생겨요.",
    "lib_not_found": "보관함에 {number}번 퀴즈가 없어요. /myquizzes 에서 목록을 보세요.",
    "lib_not_yours": "다른 사람의 보관함 버튼이에요.",
    "lib_link_dead": "이 퀴즈 링크는 더 이상 작동하지 않아요: 주인이 공유를 멈췄어요.",
    "play_usage": "<code>/play N</code> 처럼 /myquizzes 의 번호를 보내 주세요.",
    "rename_usage": "<code>/rename N 새 제목</code> 처럼 /myquizzes 의 번호와 함께 보내 주세요.",
    "renamed": "#{number}의 이름을 <b>{title}</b>(으)로 바꿨어요.",
    "export_usage": "<code>/export</code> 는 마지막 퀴즈를, <code>/export N</code> 은 /myquizzes 의 N번 퀴즈를 CSV 파일로, <code>/export cards</code> 는 학습 카드를 Anki용으로 보내요.",
    "export_empty": "보관함이 비어 있어 아직 내보낼 것이 없어요.",
    "export_cards_empty": "아직 학습 카드가 없어요: 먼저 퀴즈를 풀어 보세요.",
    "export_caption": "📄 <b>{title}</b>: 이 파일을 다시 보내면 가져올 수 있어요.",
    "export_cards_caption": "🗂 내 학습 카드: Anki에서 파일 → 가져오기.",
    "import_bad": "아무것도 가져오지 않았어요. 이 행들을 고쳐서 다시 보내 주세요:\n{problems}",
    "import_disputed": "아무것도 가져오지 않았어요: 독립 검사가 이 행들의 정답에 동의하지 않아요. 정답을 고치거나 정답이 하나만 되도록 문제를 고쳐서 다시 보내 주세요:\n{problems}",
    "import_done": {
        "other": "📥 <b>{title}</b>을(를) 가져왔어요: {n}문제, 보관함 #{number}. /play {number} 로 풀 수 있어요."
    },
    "import_too_big": "퀴즈 파일로는 너무 커요: 최대 {kb} KB.",
    "import_unreadable": "파일을 읽을 수 없어요: UTF-8 텍스트로 보내 주세요.",
    "import_more": "…그리고 {more}개 더.",
    "inline_card": {"other": "📝 <b>{title}</b>: {n}문제"},
    "inline_description": {"other": "{n}문제"},
    "help_library": "\n\n<b>내 보관함</b>\n시작한 퀴즈는 모두 저장돼요. /myquizzes 에서 다시 풀기 (<code>/play N</code>, 여기서나 그룹에서), 링크로 공유 (같은 문제, 새 퀴즈 비용 없음; 링크 해제와 순위표 공개 여부를 정할 수 있어요), 내보내기, 삭제를 할 수 있어요. <code>/export [N]</code> 은 퀴즈를 CSV로, <code>/export cards</code> 는 학습 카드를 Anki용으로 보내요. <code>question, choice1…choiceN, answer, explanation, source</code> 열이 있는 .csv 나 .tsv 파일을 보내면 직접 만든 퀴즈를 가져와요. 어느 채팅에서나 <code>@{bot} 단어</code> 를 입력하면 내 퀴즈를 올릴 수 있어요.",
    "cmd_myquizzes": "내 퀴즈 보관함: 풀기, 공유, 내보내기",
    "cmd_play": "보관함의 N번 퀴즈 풀기: /play N",
    "cmd_export": "퀴즈(또는 학습 카드)를 CSV로",
    "import_row": "{row}행: {problem}",
    "lib_share_short_button": "🔗 공유",
}
