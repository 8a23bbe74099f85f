"""Where each of the 36 divisions sits on the tile-grid map (row, column), by its statistical
code. No boundary data is shipped: the grid keeps each division near its neighbours — the water
towns by the Pearl River in the west, the Dongjiang towns along the north, the eastern industrial
towns, the towns bordering Shenzhen in the south-east and the Binhaiwan coast in the south-west.
This is layout, not policy; a test checks that every division of divisions.csv has one tile and
no two share one."""

TILES = {
    # north: along the Dongjiang
    "441900126": (0, 1),  # 麻涌
    "441900128": (0, 2),  # 中堂
    "441900129": (0, 3),  # 高埗
    "441900101": (0, 4),  # 石碣
    "441900102": (0, 5),  # 石龙
    "441900104": (0, 6),  # 石排
    "441900105": (0, 7),  # 企石
    "441900125": (1, 0),  # 洪梅
    "441900127": (1, 1),  # 望牛墩
    "441900005": (1, 2),  # 万江
    "441900006": (1, 3),  # 莞城
    "441900103": (1, 4),  # 茶山
    "441900109": (1, 5),  # 东坑
    "441900106": (1, 6),  # 横沥
    "441900107": (1, 7),  # 桥头
    # the middle: the city centre, Songshan Lake, the eastern towns
    "441900123": (2, 0),  # 沙田
    "441900124": (2, 1),  # 道滘
    "441900004": (2, 2),  # 南城
    "441900003": (2, 3),  # 东城
    "441900111": (2, 4),  # 寮步
    "441900403": (2, 5),  # 东莞生态园
    "441900110": (2, 6),  # 常平
    "441900108": (2, 7),  # 谢岗
    "441900402": (3, 0),  # 东莞港
    "441900122": (3, 1),  # 厚街
    "441900118": (3, 2),  # 大岭山
    "441900401": (3, 3),  # 松山湖
    "441900113": (3, 4),  # 大朗
    "441900114": (3, 5),  # 黄江
    "441900112": (3, 6),  # 樟木头
    # south: the Binhaiwan coast and the towns bordering Shenzhen
    "441900404": (4, 0),  # 滨海湾新区
    "441900121": (4, 1),  # 虎门
    "441900119": (4, 2),  # 长安
    "441900116": (4, 5),  # 塘厦
    "441900115": (4, 6),  # 清溪
    "441900117": (5, 5),  # 凤岗
}
