"""Reads for the two-factor pages: only the user's own devices."""

from base64 import b32encode, b64encode
from io import BytesIO

from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image


def has_enrolled_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_enrolment(user, device_id) -> TOTPDevice | None:
    """The user's own unconfirmed device of this enrolment, or None."""
    if not device_id:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def enrolment_display(device: TOTPDevice) -> dict[str, str]:
    """What the enrolment page shows: the otpauth:// URI as a QR code (SVG, drawn here: no image
    leaves the server) and the secret as text for typing in (groups of four)."""
    secret = b32encode(device.bin_key).decode()
    out = BytesIO()
    write_qrcode_image(device.config_url, out)
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        # An <img> from a data: URI (the Content-Security-Policy allows data: images, no inline styles).
        "qr_data_uri": "data:image/svg+xml;base64," + b64encode(out.getvalue()).decode(),
    }
