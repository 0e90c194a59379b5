"""Where a database keeps its 身份证号 privacy setting (:mod:`vetdesk.domain.id_privacy`)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.domain.id_privacy import MODE_PLAIN, IdPrivacy, from_json

SETTING_KEY = "id_privacy"


def privacy_in_force(session: Session) -> IdPrivacy:
    """The database's setting (plain unless the city asked for hashes)."""
    row = session.get(models.Setting, SETTING_KEY)
    return from_json(json.loads(row.value)) if row else IdPrivacy(MODE_PLAIN)


def install_privacy(session: Session, privacy: IdPrivacy) -> None:
    """Store the setting."""
    text = json.dumps(privacy.to_json(), sort_keys=True)
    row = session.get(models.Setting, SETTING_KEY)
    if row is None:
        session.add(models.Setting(key=SETTING_KEY, value=text))
    else:
        row.value = text
