"""한국어: 처음 온 사람, 문서를 기다리는 /quiz, 메뉴와 언어, 문서."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
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
    "doc_downloading_again": "📥 봇이 다시 시작되어 텔레그램에서 <b>{name}</b> ({size}) 다시 받는 중…",
    "doc_uploading": "📤 <b>{name}</b> ({size}) 검색용으로 저장하는 중…",
    "doc_indexing": "🔎 <b>{name}</b> 색인 중… 큰 파일은 1분쯤 걸립니다.",
    "doc_ready": "✅ <b>{name}</b> ({size}) 준비되었습니다. /quiz 로 이 채팅의 문서에 대한 퀴즈를, <code>/quiz 5 주제</code>로 주제를 좁힌 퀴즈를 만들 수 있습니다. 목록은 /docs.",
    "doc_still_processing": "⏳ <b>{name}</b> 아직 색인 중입니다. 준비되면 /docs 에 표시됩니다.",
    "doc_failed": "❌ <b>{name}</b> 색인에 실패했습니다: {reason}",
    "doc_interrupted": "⚠️ <b>{name}</b> 파일을 추가하는 동안 봇이 다시 시작되어 끝내지 못했습니다. 다시 보내 주세요.",
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
}
