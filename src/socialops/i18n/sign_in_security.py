"""Sign-in that banks and public offices require (issue 18 part 6): two-factor codes, single
sign-on with OpenID Connect, password reset by e-mail, a workspace's two-factor rule."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # errors of the web (WebError codes)
    "error.two_factor_required": (
        "워크스페이스 '{workspace}'는 2단계 인증을 써야 들어갈 수 있습니다. 계정 페이지에서 "
        "2단계 인증을 켠 뒤 다시 열어 주세요.",
        "Workspace '{workspace}' requires two-factor sign-in: turn it on in your account, "
        "then open the workspace again.",
    ),
    "error.sign_in_again": (
        "로그인 확인 시간이 지났습니다 (5분). 이메일과 비밀번호로 다시 로그인해 주세요.",
        "The sign-in check timed out (5 minutes): sign in again with your e-mail and password.",
    ),
    "error.reset_link_bad": (
        "비밀번호 재설정 링크가 맞지 않거나, 이미 쓰였거나, 만료되었습니다. 로그인 페이지의 "
        "'비밀번호를 잊으셨나요?'에서 새 링크를 받아 주세요.",
        "This password-reset link is wrong, used already or expired: ask for a new one with "
        "'Forgot your password?' on the sign-in page.",
    ),
    "signin.2fa_already": (
        "2단계 인증이 이미 켜져 있습니다.",
        "Two-factor sign-in is on already.",
    ),
    "signin.2fa_off": (
        "2단계 인증이 꺼져 있습니다. 먼저 켜 주세요.",
        "Two-factor sign-in is off: turn it on first.",
    ),
    # the code step
    "signin.code_title": ("2단계 인증", "Two-factor sign-in"),
    "signin.code_help": (
        "휴대폰 인증 앱(구글 OTP, 마이크로소프트 인증 앱 등)에 보이는 6자리 코드를 입력해 주세요.",
        "Enter the 6-digit code your authenticator app (Google Authenticator, Microsoft "
        "Authenticator, …) shows.",
    ),
    "signin.code": ("인증 코드", "Code"),
    "signin.code_submit": ("확인", "Verify"),
    "signin.code_recovery_help": (
        "휴대폰을 쓸 수 없으면 복구 코드 하나를 입력하세요 (한 번만 쓸 수 있습니다).",
        "No phone at hand? Enter one of your recovery codes (each works once).",
    ),
    "signin.code_wrong": (
        "인증 코드가 맞지 않습니다. 앱에 지금 보이는 코드(또는 쓰지 않은 복구 코드)를 "
        "입력해 주세요. 같은 코드는 두 번 쓸 수 없습니다.",
        "Wrong code: enter the code your app shows now (or an unused recovery code); a code "
        "works only once.",
    ),
    "signin.back_to_login": ("로그인 화면으로", "Back to sign-in"),
    "signin.back_to_account": ("내 계정으로", "Back to your account"),
    # single sign-on
    "signin.sso_button": ("회사 계정으로 로그인", "Sign in with your organisation"),
    "signin.sso_secret_file": (
        "회사 계정 로그인 설정의 클라이언트 비밀 파일을 읽을 수 없습니다. 관리자에게 알려 주세요.",
        "The single sign-on client secret file cannot be read: tell your administrator.",
    ),
    "signin.sso_unreachable": (
        "회사 로그인 서버에 연결할 수 없습니다. 잠시 후 다시 시도하거나 관리자에게 알려 주세요.",
        "The organisation's sign-in server cannot be reached: try again shortly or tell your "
        "administrator.",
    ),
    "signin.sso_issuer": (
        "회사 로그인 서버의 발급자(issuer)가 설정과 다릅니다. 로그인을 거부했습니다. "
        "관리자에게 알려 주세요.",
        "The sign-in server's issuer does not match the configured one: refused. Tell your "
        "administrator.",
    ),
    "signin.sso_token": (
        "회사 로그인 서버가 로그인 코드를 받아 주지 않았습니다 (이미 쓰였거나 만료). "
        "처음부터 다시 로그인해 주세요.",
        "The sign-in server did not accept the sign-in code (used already or expired): sign "
        "in again from the start.",
    ),
    "signin.sso_signature": (
        "회사 로그인 서버가 보낸 ID 토큰의 서명이 맞지 않습니다. 로그인을 거부했습니다.",
        "The ID token's signature does not verify with the provider's keys: refused.",
    ),
    "signin.sso_audience": (
        "ID 토큰이 이 서버를 위한 것이 아닙니다 (audience 불일치). 로그인을 거부했습니다.",
        "The ID token was not issued for this server (wrong audience): refused.",
    ),
    "signin.sso_expired": (
        "ID 토큰이 만료되었습니다. 처음부터 다시 로그인해 주세요 (서버 시계도 확인해 주세요).",
        "The ID token has expired: sign in again (and check the server's clock).",
    ),
    "signin.sso_issued": (
        "ID 토큰의 발급 시각이 미래입니다. 서버 시계를 확인해 주세요.",
        "The ID token was issued in the future: check the server's clock.",
    ),
    "signin.sso_nonce": (
        "ID 토큰이 이 로그인 요청의 것이 아닙니다 (nonce 불일치). 처음부터 다시 로그인해 주세요.",
        "The ID token belongs to another sign-in (nonce mismatch): sign in again from the start.",
    ),
    "signin.sso_no_email": (
        "회사 계정에 이메일 주소가 없습니다. 관리자에게 'email' 범위를 허용해 달라고 "
        "요청해 주세요.",
        "Your organisation account has no e-mail address: ask the administrator to release "
        "the 'email' scope.",
    ),
    "signin.sso_unverified": (
        "회사 계정의 이메일({email})이 확인되지 않았습니다. 확인된 이메일로만 로그인할 수 "
        "있습니다.",
        "The e-mail of your organisation account ({email}) is not verified: only verified "
        "e-mail addresses may sign in.",
    ),
    "signin.sso_domain": (
        "'{domain}' 도메인의 계정은 이 서버에 로그인할 수 없습니다. 허용된 회사 이메일로 "
        "로그인해 주세요.",
        "Accounts of '{domain}' may not sign in here: use your organisation's allowed e-mail.",
    ),
    "signin.sso_state": (
        "로그인 요청을 확인할 수 없습니다 (만료되었거나, 이미 쓰였거나, 다른 브라우저에서 "
        "시작됨). '회사 계정으로 로그인'을 다시 눌러 주세요.",
        "This sign-in cannot be matched to a request (expired, used already, or started in "
        "another browser): press 'Sign in with your organisation' again.",
    ),
    "signin.sso_denied": (
        "회사 로그인 서버에서 로그인을 허용하지 않았습니다. 다시 시도해 주세요.",
        "The organisation's sign-in server did not allow the sign-in: try again.",
    ),
    "signin.sso_no_account": (
        "{email}로 된 socialops 계정이 없습니다. 워크스페이스 관리자에게 초대를 요청해 주세요.",
        "There is no account for {email} here: ask a workspace administrator to invite you.",
    ),
    # password reset
    "signin.forgot_link": ("비밀번호를 잊으셨나요?", "Forgot your password?"),
    "signin.forgot_title": ("비밀번호 재설정", "Reset your password"),
    "signin.forgot_help": (
        "계정의 이메일 주소를 입력하면 비밀번호를 다시 정하는 링크를 보내 드립니다.",
        "Enter your account's e-mail address and we will send you a link to set a new password.",
    ),
    "signin.forgot_submit": ("재설정 링크 보내기", "Send the reset link"),
    "signin.reset_off": (
        "이 서버는 이메일로 비밀번호를 재설정하도록 설정되어 있지 않습니다. 관리자에게 "
        "비밀번호 재설정을 요청해 주세요.",
        "This server is not set up to reset passwords by e-mail: ask your administrator to "
        "reset yours.",
    ),
    "signin.reset_sent": (
        "이 주소로 된 계정이 있으면 재설정 링크를 보냈습니다. 메일함(스팸함 포함)을 확인해 "
        "주세요. 링크는 한 번만, 정해진 시간 안에만 쓸 수 있습니다.",
        "If an account has this address, a reset link is on its way: check your mailbox "
        "(spam too). The link works once, for a limited time.",
    ),
    "signin.reset_title": ("새 비밀번호 정하기", "Set a new password"),
    "signin.reset_help": (
        "새 비밀번호를 정하면 모든 기기에서 로그아웃되고 API 토큰은 모두 폐기됩니다.",
        "Setting a new password signs you out everywhere and revokes every API token.",
    ),
    "signin.reset_confirm": ("새 비밀번호 확인", "New password again"),
    "signin.reset_submit": ("비밀번호 바꾸기", "Change the password"),
    "signin.reset_mismatch": (
        "두 비밀번호가 다릅니다. 같은 비밀번호를 두 번 입력해 주세요.",
        "The two passwords differ: type the same password twice.",
    ),
    "signin.reset_done": (
        "비밀번호를 바꿨습니다. 새 비밀번호로 로그인해 주세요.",
        "Your password was changed: sign in with the new one.",
    ),
    "signin.reset_mail_subject": (
        "[socialops] 비밀번호 재설정",
        "[socialops] Reset your password",
    ),
    "signin.reset_mail_body": (
        "socialops 비밀번호 재설정을 요청하셨습니다. 아래 링크에서 새 비밀번호를 정해 "
        "주세요 ({minutes}분 동안, 한 번만 쓸 수 있습니다).\n\n{link}\n\n직접 요청하지 "
        "않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.\n",
        "Someone asked to reset your password for socialops. Set a new one at the link below "
        "(good for {minutes} minutes, once).\n\n{link}\n\nIf this was not you, ignore this "
        "e-mail: your password stays as it is.\n",
    ),
    # two-factor on the account page
    "signin.2fa_title": ("2단계 인증", "Two-factor sign-in"),
    "signin.2fa_account_help": (
        "비밀번호와 함께 휴대폰 인증 앱의 코드로 로그인합니다. 은행·공공기관처럼 보안이 "
        "중요한 워크스페이스는 이를 요구할 수 있습니다.",
        "Sign in with a code from an authenticator app as well as your password; a "
        "workspace may require it.",
    ),
    "signin.2fa_manage": ("2단계 인증 설정", "Set up two-factor sign-in"),
    "signin.2fa_required_notice": (
        "이 워크스페이스는 2단계 인증을 요구합니다. 아래에서 켠 뒤 워크스페이스를 다시 "
        "열어 주세요.",
        "This workspace requires two-factor sign-in: turn it on below, then open the "
        "workspace again.",
    ),
    "signin.2fa_off_help": (
        "2단계 인증이 꺼져 있습니다. 켜면 로그인할 때 비밀번호 다음에 인증 앱의 코드를 묻습니다.",
        "Two-factor sign-in is off. Turned on, sign-in asks for your app's code after the "
        "password.",
    ),
    "signin.2fa_begin": ("2단계 인증 켜기", "Turn on two-factor sign-in"),
    "signin.2fa_scan": ("인증 앱에 등록", "Add to your authenticator app"),
    "signin.2fa_scan_help": (
        "인증 앱으로 QR 코드를 찍거나 아래 키를 직접 입력한 뒤, 앱에 보이는 6자리 코드를 "
        "입력해 확인해 주세요.",
        "Scan the QR code with your authenticator app (or type the key below), then enter the "
        "6-digit code it shows to confirm.",
    ),
    "signin.2fa_secret": ("설정 키", "Setup key"),
    "signin.2fa_confirm": ("확인하고 켜기", "Confirm and turn on"),
    "signin.2fa_on": (
        "2단계 인증이 켜져 있습니다. 남은 복구 코드: {left}개.",
        "Two-factor sign-in is on. Recovery codes left: {left}.",
    ),
    "signin.recovery_title": ("복구 코드 (지금 한 번만 보입니다)", "Recovery codes (shown once)"),
    "signin.recovery_help": (
        "휴대폰을 잃어버렸을 때 이 코드로 로그인할 수 있습니다. 각 코드는 한 번만 쓸 수 "
        "있습니다. 인쇄하거나 비밀번호 관리자에 안전하게 보관하세요.",
        "If you lose your phone, sign in with one of these codes; each works once. Print "
        "them or keep them in a password manager.",
    ),
    "signin.recovery_new": ("새 복구 코드 만들기", "Make new recovery codes"),
    "signin.2fa_disable": ("2단계 인증 끄기", "Turn off two-factor sign-in"),
    "signin.2fa_disable_help": (
        "현재 비밀번호와 인증 코드(또는 복구 코드)가 필요합니다.",
        "Needs your current password and a code (or a recovery code).",
    ),
    # the workspace's rule
    "signin.ws_2fa_title": ("2단계 인증 요구", "Require two-factor sign-in"),
    "signin.ws_2fa_help": (
        "켜면 2단계 인증을 쓰지 않는 멤버는 이 워크스페이스에 들어오기 전에 먼저 켜도록 "
        "안내됩니다 (소유자 포함). 개인 API 토큰은 이 규칙을 적용받지 않으니 필요하면 "
        "멤버의 토큰을 폐기하세요.",
        "Turned on, members without two-factor sign-in are sent to turn it on before they "
        "can use this workspace (owners too). Personal API tokens are not asked: revoke a "
        "member's tokens if needed.",
    ),
    "signin.ws_2fa_on": ("모든 멤버에게 요구", "Require it of every member"),
    "signin.ws_2fa_off": ("요구하지 않음", "Do not require it"),
    # CLI
    "cli.two_factor_reset": (
        "{email}의 2단계 인증을 해제했습니다 (복구 코드도 폐기). 로그인 세션 {sessions}개를 "
        "끝냈습니다. 다음 로그인 후 다시 켜도록 안내하세요.",
        "Two-factor sign-in of {email} is off (recovery codes dropped); {sessions} sign-in "
        "sessions ended. Ask them to turn it on again after signing in.",
    ),
    "cli.two_factor_none": (
        "{email}은(는) 2단계 인증을 쓰고 있지 않습니다. 바꾼 것은 없습니다.",
        "{email} does not use two-factor sign-in: nothing changed.",
    ),
    # audit words
    "audit.action.auth.code_throttled": (
        "인증 코드 시도 제한",
        "Two-factor code tries throttled",
    ),
    "audit.action.auth.code_failed": ("인증 코드 틀림", "Wrong two-factor code"),
    "audit.action.auth.recovery_code_used": (
        "복구 코드로 로그인",
        "Signed in with a recovery code",
    ),
    "audit.action.auth.sso_sign_in": ("회사 계정으로 로그인", "Signed in with the organisation"),
    "audit.action.auth.sso_failed": ("회사 계정 로그인 거부", "Organisation sign-in refused"),
    "audit.action.auth.password_reset_sent": (
        "비밀번호 재설정 메일 발송",
        "Password-reset e-mail sent",
    ),
    "audit.action.auth.password_reset": (
        "이메일 링크로 비밀번호 재설정",
        "Password reset by e-mail link",
    ),
    "audit.action.user.two_factor_on": ("2단계 인증 켬", "Two-factor sign-in turned on"),
    "audit.action.user.two_factor_off": ("2단계 인증 끔", "Two-factor sign-in turned off"),
    "audit.action.user.two_factor_failed": (
        "2단계 인증 변경 실패 (비밀번호 또는 코드 틀림)",
        "Two-factor change refused (wrong password or code)",
    ),
    "audit.action.user.recovery_codes": ("새 복구 코드 발급", "New recovery codes made"),
    "audit.action.user.two_factor_reset": (
        "관리자가 2단계 인증 해제",
        "Two-factor sign-in reset by an administrator",
    ),
    "audit.action.workspace.require_two_factor": (
        "워크스페이스 2단계 인증 요구 변경",
        "Workspace two-factor rule changed",
    ),
    "audit.detail.codes_left": ("남은 복구 코드", "recovery codes left"),
    "audit.detail.second_factor": ("2단계 방법", "second factor"),
    "audit.detail.sso_link": ("계정 연결", "account link"),
    "audit.detail.sso_refusal": ("거부 이유", "refused because"),
    "audit.detail.sessions_ended": ("끝낸 세션", "sessions ended"),
    "audit.detail.two_factor_required": ("2단계 인증 요구", "two-factor required"),
}
