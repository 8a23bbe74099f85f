# Django's zh_Hans month-day format pads the month ("09月5日"); officials write "9月5日".
DATE_FORMAT = "Y年n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
