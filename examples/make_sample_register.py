"""Build examples/客户投诉登记表_示例.xlsx: a register kept by hand for most of 2026, messy
the way real ones are (a merged title row, a blank line under it and between months,
dates typed four different ways, phone numbers stored as numbers, a 备注 column the tool
does not import). Deterministic: run it again and the file is the same.

    .venv/bin/python examples/make_sample_register.py
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADERS = ["序号", "受理时间", "客户", "联系电话", "投诉渠道", "投诉主题", "事情经过", "客户诉求", "责任部门", "处理人",
           "处理意见", "赔偿金额", "回访时间", "满意度", "备注"]
CASES = [
    ("冰箱不制冷", "买的冰箱不制冷，已经报修两次还没修好", "更换新机", "售后服务部"),
    ("快递延误", "订单一周了快递还没到，物流信息不更新", "尽快送达", "物流部"),
    ("收银员态度差", "收银员态度很差，不耐烦还顶撞顾客", "道歉", "门店管理部"),
    ("多收费", "结账时多收了20元，小票和标价不一致", "退还多收款", "财务部"),
    ("APP无法登录", "手机APP一直登录不了，无法查看订单", "修复", "技术部"),
    ("商品过期", "买到的牛奶已经过期三天", "退款并赔偿", "质量管理部"),
    ("安装不及时", "空调约好周六安装，师傅没来也没通知", "尽快安装", "售后服务部"),
    ("停车收费", "停车场收费标准不清楚，多收了停车费", "退费", "行政部"),
]
CHANNELS = ["电话", "电话", "现场", "邮件", "官网", "微信", "信函"]
SATISFACTION = ["很满意", "满意", "A", "B", "基本满意", "C", "不满意"]
NAMES = "张王李赵刘陈杨黄周吴"


def main() -> None:
    rng = random.Random(2026)
    book = Workbook()
    sheet = book.active
    sheet.title = "2026年投诉登记"
    sheet.append(["某商贸有限公司客户投诉记录登记表（2026年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([])
    sheet.append(HEADERS)
    moment = datetime(2026, 1, 5, 9, 0)
    month = moment.month
    for index in range(1, 301):
        moment += timedelta(hours=rng.uniform(18, 32))
        if moment.month != month:
            month = moment.month
            sheet.append([])  # the clerk left a blank line between months
        subject, content, demand, department = rng.choice(CASES)
        if rng.random() < 0.05:
            content += "，再不处理就找记者曝光"
        style = index % 4
        received: object
        if style == 0:
            received = moment  # a real date cell
        elif style == 1:
            received = moment.strftime("%Y/%-m/%-d %H:%M")
        elif style == 2:
            received = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        else:
            received = round((moment - datetime(1899, 12, 30)).total_seconds() / 86400, 6)  # a serial number
        closed = moment < datetime(2026, 10, 1)
        phone = 13800000000 + rng.randrange(10**8)
        visit = moment + timedelta(days=rng.uniform(2, 6)) if closed else None
        sheet.append([
            index, received, f"{rng.choice(NAMES)}{'先生' if rng.random() < 0.5 else '女士'}",
            phone if rng.random() < 0.6 else str(phone), rng.choice(CHANNELS), subject, content, demand,
            department if closed or rng.random() < 0.5 else None, rng.choice(["王五", "赵六", "钱七", None]),
            "已处理，客户认可" if closed else None,
            rng.choice([None, None, None, 20, 50, "100元"]) if closed else None,
            visit.strftime("%Y-%m-%d") if visit else None, rng.choice(SATISFACTION) if closed else None,
            rng.choice([None, None, "老客户", "第二次投诉"]),
        ])
    for column, width in zip("ABCDEFGHIJKLMNO", (6, 18, 10, 14, 8, 14, 36, 12, 12, 8, 16, 8, 12, 8, 10)):
        sheet.column_dimensions[column].width = width
    target = Path(__file__).with_name("客户投诉登记表_示例.xlsx")
    book.save(target)
    print(target)


if __name__ == "__main__":
    main()
