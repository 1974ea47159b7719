#pragma once

#include "core/util/chromosome.h"
#include "ui/bridge/qt_convert.h"

#include <QTableWidget>
#include <QTableWidgetItem>

namespace kdna::ui {

/// A table cell a person reads but does not edit (the wizard's file and chromosome rows).
inline QTableWidgetItem* readOnly(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

/// A chromosome's name and length (right-aligned, in thousands) in columns 0 and 1 of `row`,
/// as the genome and chromosome pages list them.
inline void showChromosome(QTableWidget* table, int row, const Chromosome& chromosome)
{
    table->setItem(row, 0, readOnly(qs(chromosome.name)));
    auto* length = readOnly(count(chromosome.length));
    length->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(row, 1, length);
}

} // namespace kdna::ui
