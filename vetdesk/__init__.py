"""VetDesk: offline vocational-education data desk for Haidong's county offices and city bureau."""

__version__ = "0.1.0"
APP_NAME = "VetDesk"
ORG_NAME = "HaidongEdu"
