"""The compliance report (issue 19 §4, DESIGN §7): the current settings held against 禁止传销条例
Art. 7, 直销管理条例 Art. 24 and the three-level line (``rules``, pure), the facts they are judged
on (``facts``, read from the database; promotions adds its invite facts through ``hooks``), the
network as it really is (``network``), and the report that puts them together (``report``)."""
